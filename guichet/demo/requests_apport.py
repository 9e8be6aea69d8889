"""Demo requests about déchèteries, bulky items and green waste (same format as
requests_dechets)."""

REQUESTS_APPORT = {
    "horaires": {
        "subjects": ["Horaires de la déchèterie", "Déchèterie ouverte dimanche ?",
                     "Horaires d’été", "Adresse de la déchèterie"],
        "texts": {"*": [
            "Bonjour, la déchèterie de Touques est-elle ouverte le dimanche matin ?",
            "Bonjour, quels sont les horaires de la déchèterie de Villers-sur-Mer cet hiver ?",
            "Bonjour, est-ce que les déchèteries sont ouvertes le {day} férié ?",
        ]},
        "replies": {"*": (
            "Les trois déchèteries (Touques, Saint-Arnoult, Villers-sur-Mer) ont des horaires "
            "d’été du 1er avril au 30 septembre, avec ouverture le dimanche matin à Touques, et "
            "des horaires d’hiver le reste de l’année. Elles sont fermées les jours fériés. "
            "Les horaires détaillés de chaque site sont sur notre site et Sophie, notre "
            "assistante en ligne, vous les donne à toute heure. Pensez à arriver un quart "
            "d’heure avant la fermeture.")},
    },
    "acces": {
        "subjects": ["Carte de déchèterie", "Badge perdu", "Demande de badge déchèterie",
                     "Accès déchèterie refusé"],
        "texts": {
            "transaction": [
                "Bonjour, je souhaite obtenir une carte d’accès aux déchèteries. J’habite au "
                "{address} à {commune}. Quels justificatifs fournir ?",
                "Bonjour, j’ai perdu ma carte de déchèterie. Comment en avoir une nouvelle ?",
                "Bonjour, résidents secondaires à {commune}, pouvons-nous avoir une carte "
                "d’accès ? Nous venons surtout au printemps pour le jardin.",
            ],
            "*": ["Bonjour, peut-on aller à la déchèterie avec une remorque ?"],
        },
        "replies": {
            "transaction": (
                "La carte d’accès aux déchèteries est gratuite, pour les résidents principaux "
                "et secondaires, sur présentation d’un justificatif de domicile de moins de 3 "
                "mois (facture d’eau, d’électricité, avis de taxe foncière). Deux cartes "
                "maximum par foyer. Votre carte est éditée et vous sera envoyée par courrier "
                "sous 10 jours ouvrés ; en attendant, cette confirmation vous permet l’accès. "
                "Le remplacement d’une carte perdue coûte 10 €."),
            "*": (
                "Oui : les véhicules de moins de 3,5 tonnes sont acceptés, avec une remorque "
                "simple essieu. Les particuliers peuvent déposer jusqu’à 2 m³ par passage, "
                "18 passages par an."),
        },
    },
    "dechets-acceptes": {
        "subjects": ["Déchets acceptés en déchèterie", "Peut-on déposer un frigo ?",
                     "Amiante", "Pneus"],
        "texts": {"*": [
            "Bonjour, la déchèterie prend-elle les vieux frigos et les matelas ?",
            "Bonjour, j’ai des plaques de fibrociment d’un abri de jardin. Où les déposer ?",
            "Bonjour, combien de pneus peut-on déposer en déchèterie ?",
        ]},
        "replies": {"*": (
            "Les déchèteries acceptent végétaux, gravats, bois, ferraille, meubles et matelas, "
            "appareils électriques (frigos compris), cartons, déchets dangereux des ménages, "
            "piles, textiles et huiles. Les pneus de voiture déjantés sont acceptés, 4 par an. "
            "Sont refusés : ordures ménagères, amiante et fibrociment, bouteilles de gaz, "
            "extincteurs, déchets médicaux. Pour l’amiante, adressez-vous à une entreprise "
            "agréée ; nous pouvons vous en communiquer la liste.")},
    },
    "professionnels": {
        "subjects": ["Déchèterie pour les professionnels", "Compte professionnel déchèterie",
                     "Tarifs professionnels"],
        "texts": {
            "transaction": [
                "Bonjour, paysagiste à {commune}, je souhaite ouvrir un compte professionnel "
                "pour déposer des végétaux à la déchèterie de Saint-Arnoult.",
            ],
            "*": ["Bonjour, quels sont les tarifs de dépôt des gravats pour une entreprise ?"],
        },
        "replies": {
            "transaction": (
                "Pour ouvrir un compte professionnel, envoyez-nous un extrait Kbis de moins de "
                "3 mois et la carte grise de chaque véhicule. L’accès est ouvert aux horaires "
                "des déchèteries, 5 m³ par jour au plus, facturé chaque mois au volume déposé. "
                "Votre compte sera actif sous 5 jours ouvrés après réception des pièces."),
            "*": (
                "Tarifs professionnels au m³ : végétaux 18 €, gravats 28 €, tout-venant 32 €, "
                "bois 22 € ; ferraille et cartons gratuits ; déchets dangereux 2,50 € le kilo. "
                "L’amiante n’est pas acceptée."),
        },
    },
    "gravats": {
        "subjects": ["Gravats", "Déchets de travaux", "Benne pour chantier"],
        "texts": {"*": [
            "Bonjour, nous refaisons notre salle de bains : peut-on déposer le carrelage et "
            "les gravats à la déchèterie ? En quelle quantité ?",
        ]},
        "replies": {"*": (
            "Les gravats des particuliers (briques, béton, tuiles, carrelage) sont acceptés "
            "gratuitement, dans la limite de 1 m³ par semaine. Pour un gros chantier, mieux "
            "vaut louer une benne auprès d’une entreprise ; le plâtre se dépose à part, dans "
            "la benne dédiée.")},
    },
    "collecte-encombrants": {
        "subjects": ["Encombrants", "Collecte des encombrants",
                     "Encombrants non ramassés"],
        "texts": {
            "reclamation": [
                "Bonjour, nos encombrants devaient être enlevés le {day} au {address} et "
                "personne n’est venu. Le canapé est toujours devant la maison.",
            ],
            "*": [
                "Bonjour, comment se débarrasser d’une vieille armoire et d’un matelas ? Je "
                "n’ai pas de voiture.",
                "Bonjour, la collecte des encombrants est-elle payante ?",
            ],
        },
        "replies": {
            "reclamation": (
                "Nous vous présentons nos excuses : votre enlèvement n’avait pas été transmis "
                "à l’équipe. Il est reprogrammé ce {day} ; laissez les objets sortis devant "
                "votre domicile la veille au soir."),
            "*": (
                "Les encombrants sont enlevés gratuitement à domicile, sur rendez-vous, deux "
                "fois par an par foyer, jusqu’à 3 objets ou 1 m³. Prenez rendez-vous par "
                "téléphone, par le formulaire en ligne ou auprès de Sophie ; sortez les objets "
                "la veille au soir. Vous pouvez aussi les déposer en déchèterie."),
        },
    },
    "rendez-vous": {
        "subjects": ["Rendez-vous encombrants", "Enlèvement d’un canapé",
                     "Prise de rendez-vous encombrants"],
        "texts": {"*": [
            "Bonjour, je voudrais un rendez-vous pour faire enlever un canapé, un matelas et "
            "une table au {address}, {commune}.",
            "Bonjour, pouvez-vous venir chercher une machine à laver et un frigo ? Je suis "
            "âgée et je n’ai personne pour m’aider. Adresse : {address}.",
        ]},
        "replies": {"*": (
            "Votre rendez-vous d’enlèvement est fixé au {date}. Sortez les objets la veille "
            "au soir devant votre domicile, sans gêner le passage sur le trottoir. Les appareils "
            "électriques sont repris pour être recyclés. Pour modifier le rendez-vous, répondez "
            "à ce message au moins deux jours avant.")},
    },
    "vegetaux": {
        "subjects": ["Déchets verts", "Tontes et branches", "Collecte des végétaux",
                     "Brûlage des végétaux"],
        "texts": {
            "rendez_vous": [
                "Bonjour, je voudrais faire enlever des branches après l’élagage d’une haie, "
                "environ 2 m³, au {address}.",
            ],
            "*": [
                "Bonjour, peut-on brûler les feuilles et les tailles de haie dans son jardin ?",
                "Bonjour, y a-t-il une collecte des tontes de pelouse à {commune} ?",
            ],
        },
        "replies": {
            "rendez_vous": (
                "Votre rendez-vous d’enlèvement de végétaux est fixé au {date} (service "
                "réservé aux personnes de plus de 70 ans ou à mobilité réduite, 2 m³ au plus). "
                "Les branches doivent être fagotées, 1,50 m de long au maximum."),
            "*": (
                "Le brûlage des déchets verts est interdit toute l’année (règlement sanitaire "
                "départemental). Tontes, feuilles et branches se déposent gratuitement en "
                "déchèterie ou se valorisent au jardin en compost et en paillage. Une "
                "collecte à domicile sur rendez-vous existe pour les personnes de plus de "
                "70 ans ou à mobilité réduite."),
        },
    },
    "sapins": {
        "subjects": ["Sapin de Noël", "Collecte des sapins"],
        "texts": {"*": [
            "Bonjour, où peut-on déposer notre sapin de Noël à {commune} ?",
        ]},
        "replies": {"*": (
            "Du 26 décembre au 31 janvier, des enclos à sapins sont installés dans chaque "
            "commune (liste sur notre site) ; les sapins y sont broyés et le paillage est "
            "offert aux habitants. Déposez-le sans décoration, ni pied, ni sac. Les sapins "
            "floqués vont en déchèterie.")},
    },
    "depots-sauvages": {
        "subjects": ["Dépôt sauvage", "Déchets abandonnés", "Dépôt d’ordures en forêt",
                     "Sacs abandonnés"],
        "texts": {
            "signalement": [
                "Bonjour, un tas de gravats et de vieux meubles a été déposé au bout de la rue "
                "{street} à {commune}, sur le bas-côté.",
                "Bonjour, des sacs-poubelles sont abandonnés au pied de la borne depuis une "
                "semaine, rue {street}. Ça attire les rats.",
                "Signalement : dépôt de pneus et de pots de peinture sur le chemin derrière le "
                "stade de {commune}.",
            ],
            "*": ["Bonjour, malgré mon signalement, le dépôt sauvage rue {street} est toujours "
                  "là. Que fait la collectivité ?"],
        },
        "replies": {
            "signalement": (
                "Merci pour votre signalement. L’équipe de propreté enlèvera ce dépôt sous 3 "
                "jours ouvrés. Le dépôt sauvage est une infraction (jusqu’à 1 500 € "
                "d’amende) : si des éléments permettent d’identifier son auteur, la mairie "
                "engagera une procédure."),
            "*": (
                "Nous vous prions de nous excuser : le dépôt a été enlevé ce matin. Le "
                "signalement a été transmis à la mairie, qui a ouvert une enquête."),
        },
    },
}
