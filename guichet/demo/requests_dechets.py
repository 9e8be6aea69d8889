"""What residents write about waste, and what agents answer (demo requests, plain French).

Per sub-theme: subjects, residents' texts and agents' replies, by nature ("*" for any).
Placeholders: {commune}, {address}, {street}, {day}, {date}, {org}.
"""

REQUESTS_DECHETS = {
    "jours-collecte": {
        "subjects": ["Jours de collecte", "Quel jour passe le camion ?", "Calendrier de collecte",
                     "Jour de ramassage des poubelles"],
        "texts": {"*": [
            "Bonjour, je viens d’emménager au {address} à {commune}. Pouvez-vous m’indiquer les "
            "jours de ramassage des ordures ménagères et du bac jaune ? Merci d’avance.",
            "Bonjour, quel jour passe le camion des poubelles rue {street} ? Mon voisin dit "
            "le {day}, mais je n’ai jamais eu de calendrier.",
            "Bonjour, je voudrais recevoir le calendrier de collecte de {commune} pour cette "
            "année. Le verre est-il ramassé aussi ? Cordialement.",
        ]},
        "replies": {"*": (
            "Au {address}, les ordures ménagères sont collectées deux fois par semaine et le bac "
            "jaune (emballages) une fois par semaine ; le verre se dépose dans les colonnes "
            "d’apport volontaire. Sortez vos bacs la veille au soir, après 19 h, poignée côté "
            "rue, et rentrez-les après le passage. Le calendrier de votre secteur est aussi "
            "consultable à tout moment sur notre site, rubrique « Mes jours de collecte ».")},
    },
    "oubli-collecte": {
        "subjects": ["Bac non vidé", "Poubelles non ramassées", "Collecte oubliée",
                     "Le camion n’est pas passé"],
        "texts": {"*": [
            "Bonjour, notre bac d’ordures ménagères n’a pas été vidé ce {day} au {address}. Il "
            "était sorti la veille comme d’habitude. Pouvez-vous faire repasser le camion ?",
            "Bonjour, pour la deuxième fois ce mois-ci, les poubelles de la rue {street} n’ont "
            "pas été ramassées. Tout le côté pair de la rue est concerné. Merci de faire le "
            "nécessaire rapidement, avec la chaleur ça commence à sentir.",
            "Bac jaune pas collecté ce matin rue {street} à {commune}. Il est toujours sur le "
            "trottoir. Que dois-je faire ?",
        ]},
        "replies": {"*": (
            "Nous avons vérifié auprès du prestataire de collecte : la tournée de votre rue a "
            "été perturbée ce jour-là. Un rattrapage est programmé demain matin ; laissez votre "
            "bac sorti, poignée côté rue. Si votre bac n’est toujours pas vidé demain midi, "
            "répondez simplement à ce message en rappelant la référence de votre demande et "
            "nous relancerons le prestataire en priorité.")},
    },
    "bacs": {
        "subjects": ["Demande de bac", "Bac cassé", "Échange de bac", "Bac volé",
                     "Couvercle de bac cassé"],
        "texts": {
            "transaction": [
                "Bonjour, nous sommes maintenant cinq à la maison et notre bac de 120 litres "
                "déborde chaque semaine. Est-il possible d’avoir un bac plus grand ? Adresse : "
                "{address}, {commune}.",
                "Bonjour, je viens d’acheter une maison au {address} et il n’y a pas de bac "
                "jaune. Comment en obtenir un ?",
                "Bonjour, notre bac a disparu après la collecte de {day}. Pouvez-vous nous en "
                "livrer un nouveau ? Merci.",
            ],
            "reclamation": [
                "Bonjour, j’ai demandé un nouveau bac il y a trois semaines et je n’ai "
                "toujours rien reçu. Je dois garder mes sacs dans le garage. C’est inadmissible.",
            ],
            "signalement": [
                "Bonjour, le couvercle de notre bac s’est cassé lors du passage du camion ce "
                "{day}. Les goélands éventrent les sacs. Adresse : {address}.",
            ],
            "*": [
                "Bonjour, quelle taille de bac faut-il pour un couple ? Le nôtre est trop grand "
                "pour nous deux.",
            ],
        },
        "replies": {
            "transaction": (
                "Votre demande est enregistrée : un bac adapté à votre foyer sera livré à "
                "l’adresse indiquée sous 10 jours ouvrés par notre équipe de maintenance. "
                "L’ancien bac éventuel est repris le même jour ; il n’est pas nécessaire d’être "
                "présent, laissez simplement le bac accessible depuis la rue. La livraison est "
                "gratuite."),
            "reclamation": (
                "Nous vous prions de nous excuser pour ce délai. Votre livraison avait été "
                "reportée faute de bacs de cette taille en stock ; le réapprovisionnement est "
                "arrivé et votre bac est programmé sur la tournée de livraison de cette semaine. "
                "Nous vous confirmerons la date par SMS la veille."),
            "signalement": (
                "Merci pour votre signalement. Lorsqu’un bac est endommagé pendant la collecte, "
                "sa réparation est prise en charge par la collectivité : notre technicien "
                "passera changer le couvercle dans les prochains jours, sans rendez-vous. En "
                "attendant, vous pouvez maintenir le couvercle avec un tendeur."),
            "*": (
                "Pour un foyer de 1 à 2 personnes, le bac de 120 litres suffit ; de 3 à 4 "
                "personnes, le bac de 180 litres ; au-delà, le bac de 240 litres. L’échange est "
                "gratuit une fois par an : il suffit de nous le demander en indiquant votre "
                "adresse et le nombre de personnes du foyer."),
        },
    },
    "sacs": {
        "subjects": ["Composteur", "Sacs jaunes", "Demande de composteur",
                     "Où trouver des sacs ?"],
        "texts": {
            "transaction": [
                "Bonjour, je souhaiterais réserver un composteur pour mon jardin au {address}, "
                "{commune}. Comment faire et quel est le tarif ?",
                "Bonjour, je suis en appartement sans local poubelle. Puis-je avoir des sacs "
                "jaunes pour les emballages ?",
            ],
            "*": [
                "Bonjour, où peut-on retirer les sacs jaunes à {commune} ? La mairie n’en a plus.",
            ],
        },
        "replies": {
            "transaction": (
                "Votre réservation est enregistrée. Les composteurs (400 litres, bois) sont "
                "remis gratuitement lors d’une courte formation au compostage, organisée chaque "
                "mois à la Maison des Services ; vous recevrez une invitation avec la date. "
                "Pour les sacs jaunes, un rouleau de 25 sacs vous sera remis à l’accueil de "
                "votre mairie sur présentation de cette confirmation."),
            "*": (
                "Les sacs jaunes sont distribués à l’accueil des mairies et à la Maison des "
                "Services, du lundi au vendredi de 9 h à 17 h, sur simple présentation d’un "
                "justificatif de domicile. Si la mairie de {commune} est en rupture, nous "
                "l’approvisionnons cette semaine."),
        },
    },
    "jours-feries": {
        "subjects": ["Collecte jour férié", "Report de collecte", "Collecte du 1er mai",
                     "Ramassage pendant les fêtes"],
        "texts": {"*": [
            "Bonjour, le {day} est férié : est-ce que les poubelles seront ramassées quand "
            "même à {commune} ?",
            "Bonjour, avec Noël un jeudi, quand passera le camion rue {street} ? Merci.",
        ]},
        "replies": {"*": (
            "Quand la collecte tombe un jour férié, elle est rattrapée le lendemain, samedi "
            "compris. Sortez donc votre bac la veille au soir du jour de rattrapage. Seul le "
            "1er mai n’est pas collecté : la collecte suivante est maintenue normalement. Les "
            "reports sont rappelés sur notre site et par SMS aux usagers inscrits.")},
    },
    "residences-secondaires": {
        "subjects": ["Résidence secondaire", "Bac pendant notre absence",
                     "Location saisonnière : poubelles", "Arrivée pour les vacances"],
        "texts": {
            "transaction": [
                "Bonjour, nous louons notre maison de {commune} en meublé de tourisme cet été. "
                "Faut-il un bac supplémentaire pour les locataires ? Adresse : {address}.",
            ],
            "*": [
                "Bonjour, propriétaires d’une résidence secondaire au {address}, nous ne venons "
                "que le week-end. Que faire de nos poubelles le dimanche soir si la collecte "
                "est le mercredi ?",
                "Bonjour, nous arrivons de Paris pour les vacances. Quels sont les jours de "
                "collecte en été à {commune} ? Y a-t-il un passage le samedi ?",
            ],
        },
        "replies": {
            "transaction": (
                "Pour une location saisonnière, vous pouvez demander un bac supplémentaire "
                "pour la saison (du 1er juin au 30 septembre) : nous l’enregistrons à votre "
                "adresse et il sera livré sous 10 jours ouvrés. Pensez à laisser à vos "
                "locataires le calendrier de collecte et les consignes de tri (affichette "
                "téléchargeable sur notre site)."),
            "*": (
                "En juillet et en août, une collecte supplémentaire des ordures ménagères a "
                "lieu le samedi dans les secteurs du littoral. En dehors de ces jours, vous "
                "pouvez déposer vos sacs fermés dans les bornes enterrées de votre commune, "
                "accessibles à toute heure ; ne laissez pas de sacs sur le trottoir : les "
                "goélands les éventrent et le dépôt est verbalisable."),
        },
    },
    "consignes": {
        "subjects": ["Consignes de tri", "Que mettre dans le bac jaune ?", "Tri des emballages",
                     "Pots de yaourt : bac jaune ?"],
        "texts": {"*": [
            "Bonjour, est-ce que les pots de yaourt et les barquettes en polystyrène vont dans "
            "le bac jaune maintenant ? On entend tout et son contraire.",
            "Bonjour, faut-il laver les emballages avant de les mettre dans le bac jaune ? Et "
            "les films plastiques ?",
            "Bonjour, mon bac jaune a été refusé avec un autocollant rouge. Qu’est-ce qui "
            "n’allait pas ?",
        ]},
        "replies": {"*": (
            "Depuis l’extension des consignes de tri, tous les emballages vont dans le bac "
            "jaune : bouteilles et flacons, pots de yaourt, barquettes, films et sachets "
            "plastiques, boîtes de conserve, canettes, cartons et briques. Inutile de les "
            "laver : il suffit de bien les vider. Déposez-les en vrac, sans les imbriquer ni "
            "les mettre dans un sac. Le verre va dans les colonnes à verre, les papiers dans "
            "le bac jaune ou les conteneurs à papier. Un autocollant rouge signale une erreur "
            "de tri (souvent des sacs fermés ou des déchets alimentaires) : retirez l’intrus "
            "et le bac sera collecté au prochain passage.")},
    },
    "verre": {
        "subjects": ["Colonne à verre pleine", "Où déposer le verre ?", "Verre",
                     "Bouteilles au pied de la colonne"],
        "texts": {
            "signalement": [
                "Bonjour, la colonne à verre de la rue {street} à {commune} déborde depuis "
                "plusieurs jours, des bouteilles sont posées par terre. Pouvez-vous la faire "
                "vider ?",
                "La colonne à verre près de la plage est pleine, il y a du verre cassé au sol, "
                "c’est dangereux pour les enfants.",
            ],
            "*": [
                "Bonjour, où se trouve la colonne à verre la plus proche du {address} ?",
                "Les bocaux et la vaisselle cassée vont-ils avec le verre ?",
            ],
        },
        "replies": {
            "signalement": (
                "Merci pour votre signalement. La colonne a été ajoutée en priorité à la "
                "tournée de vidage de demain et l’équipe de propreté ramassera le verre déposé "
                "au sol. En été, les colonnes du littoral sont vidées deux fois par semaine ; "
                "si une colonne est pleine, vous pouvez utiliser celles des déchèteries, "
                "jamais pleines."),
            "*": (
                "Les bouteilles, pots et bocaux en verre vont dans les colonnes à verre, sans "
                "bouchon ni couvercle. La vaisselle, les verres à boire, la porcelaine et les "
                "vitres ne se recyclent pas avec le verre d’emballage : ils vont dans les "
                "ordures ménagères ou en déchèterie. La carte des colonnes de votre commune est "
                "sur notre site, rubrique « Où déposer ? »."),
        },
    },
    "papier": {
        "subjects": ["Papiers et cartons", "Conteneur à papier plein", "Gros cartons"],
        "texts": {
            "signalement": [
                "Bonjour, le conteneur à papier du parking de {commune} est plein et des "
                "cartons traînent autour.",
            ],
            "*": [
                "Bonjour, que faire des gros cartons d’un déménagement ? Ils ne rentrent pas "
                "dans le bac jaune.",
                "Les enveloppes à fenêtre et les journaux vont-ils dans le bac jaune ?",
            ],
        },
        "replies": {
            "signalement": (
                "Merci, le vidage du conteneur est demandé au prestataire pour demain et les "
                "cartons au sol seront ramassés par l’équipe de propreté."),
            "*": (
                "Tous les papiers (journaux, enveloppes même à fenêtre, prospectus) et les "
                "petits cartons pliés vont dans le bac jaune. Les gros cartons se déposent "
                "pliés en déchèterie, gratuitement, y compris pour un déménagement."),
        },
    },
    "textiles": {
        "subjects": ["Vêtements usagés", "Borne textile", "Borne textile pleine"],
        "texts": {
            "signalement": ["Bonjour, la borne textile de {commune} est pleine, des sacs de "
                            "vêtements sont posés devant."],
            "*": ["Bonjour, où peut-on déposer des vêtements usés et des chaussures ? Même "
                  "abîmés ?"],
        },
        "replies": {
            "signalement": ("Merci, l’association qui gère la borne a été prévenue et passera "
                            "la vider sous 48 heures."),
            "*": (
                "Vêtements, linge de maison, chaussures (attachées par paires) et petite "
                "maroquinerie se déposent dans les bornes textiles, même usés ou déchirés, "
                "propres et secs, dans un sac fermé. Les bornes sont en déchèterie et sur les "
                "parkings des supermarchés ; la carte est sur notre site."),
        },
    },
    "pav": {
        "subjects": ["Point d’apport volontaire", "Borne enterrée pleine",
                     "Conteneur enterré bloqué"],
        "texts": {
            "signalement": [
                "Bonjour, la borne enterrée des ordures ménagères rue {street} ne s’ouvre "
                "plus, la trappe est bloquée. Les gens laissent leurs sacs à côté.",
                "Les conteneurs enterrés à côté du camping sont pleins depuis samedi, il y a "
                "des sacs partout.",
            ],
            "*": ["Bonjour, à quelle heure peut-on déposer dans les bornes enterrées ? Il y a "
                  "du bruit le soir avec le verre."],
        },
        "replies": {
            "signalement": (
                "Merci pour votre signalement : un technicien intervient sur la borne dans "
                "les 24 heures et l’équipe de propreté ramasse les sacs déposés au sol. En "
                "été, la fréquence de vidage des bornes du littoral est doublée."),
            "*": (
                "Les bornes à ordures ménagères et à emballages sont accessibles à toute "
                "heure. Pour les colonnes à verre, merci de déposer entre 8 h et 20 h par "
                "respect du voisinage."),
        },
    },
    "dechets-speciaux": {
        "subjects": ["Piles et ampoules", "Médicaments périmés", "Produits dangereux",
                     "Pots de peinture"],
        "texts": {"*": [
            "Bonjour, que faire de vieux pots de peinture et de produits de jardin ?",
            "Où jeter les piles, les ampoules et les médicaments périmés ?",
        ]},
        "replies": {"*": (
            "Peintures, solvants, produits de jardin et aérosols vont au local des déchets "
            "dangereux des déchèteries, dans leur emballage d’origine. Piles, batteries et "
            "ampoules se déposent aussi dans les bacs des magasins qui en vendent. Les "
            "médicaments, avec ou sans boîte, se rapportent en pharmacie.")},
    },
    "fonctionnement": {
        "subjects": ["Redevance incitative", "Calcul de la redevance",
                     "Fonctionnement de la redevance"],
        "texts": {"*": [
            "Bonjour, nous ouvrons un restaurant à {commune}. Comment est calculée la "
            "redevance pour les professionnels ?",
            "Bonjour, gérant de {org}, je voudrais comprendre le nombre de levées facturées.",
        ]},
        "replies": {"*": (
            "La redevance incitative des professionnels comprend une part fixe selon le "
            "volume du bac et une part variable selon le nombre de levées (chaque fois que le "
            "bac est présenté et vidé). Pour la réduire, présentez votre bac seulement quand "
            "il est plein et triez vos emballages, collectés sans supplément. Votre relevé de "
            "levées est disponible sur demande ; un conseiller peut aussi passer dans votre "
            "établissement pour adapter la taille de vos bacs.")},
    },
    "contestation": {
        "subjects": ["Contestation de la redevance", "Levées facturées en trop",
                     "Réclamation redevance"],
        "texts": {"*": [
            "Bonjour, notre établissement est fermé de novembre à mars et pourtant la facture "
            "compte des levées en janvier. Je conteste cette facture.",
            "Bonjour, la facture de {org} indique 48 levées alors que nous sortons le bac une "
            "fois par semaine en saison seulement. Merci de vérifier.",
        ]},
        "replies": {"*": (
            "Nous avons vérifié les enregistrements de la puce de votre bac : les levées "
            "datées de votre période de fermeture correspondent à un bac présenté par erreur "
            "lors d’une tournée de remplacement. Ces levées sont annulées et un avoir sera "
            "déduit de votre prochaine facture. Pour éviter que cela se reproduise, vous "
            "pouvez nous signaler vos périodes de fermeture.")},
    },
    "facturation": {
        "subjects": ["Facture déchets", "TEOM ou redevance ?", "Facture de redevance"],
        "texts": {
            "reclamation": [
                "Bonjour, j’ai reçu deux factures pour le même semestre pour {org}. "
                "Merci de corriger.",
            ],
            "*": [
                "Bonjour, je paye déjà la taxe d’enlèvement des ordures ménagères sur ma taxe "
                "foncière, pourquoi recevoir une facture de redevance pour mon commerce ?",
                "Bonjour, comment régler la facture de redevance ? Le prélèvement est-il "
                "possible ?",
            ],
        },
        "replies": {
            "reclamation": (
                "Vous avez raison : la seconde facture est un doublon dû à un changement de "
                "raison sociale. Elle est annulée ; vous n’avez rien à payer au titre de "
                "celle-ci. Un courrier d’annulation vous est adressé."),
            "*": (
                "Les particuliers paient la taxe d’enlèvement des ordures ménagères (TEOM) avec "
                "la taxe foncière ; les professionnels dont les déchets sont collectés par le "
                "service paient la redevance spéciale, calculée selon leur volume et leurs "
                "levées, et sont exonérés de TEOM sur demande. Le paiement se fait par "
                "prélèvement (mandat à nous renvoyer), par carte sur le site de paiement en "
                "ligne ou auprès du Trésor public."),
        },
    },
    "collecte-pro": {
        "subjects": ["Collecte des professionnels", "Bac pour mon commerce",
                     "Cartons du magasin"],
        "texts": {"*": [
            "Bonjour, pour l’ouverture de {org} en juin, il nous faut des bacs et une "
            "collecte adaptée. Pouvez-vous passer voir nos besoins ?",
            "Bonjour, est-il possible d’avoir une collecte des cartons pour notre commerce "
            "du centre de {commune} ?",
        ]},
        "replies": {"*": (
            "Un conseiller déchets des professionnels vous contactera pour convenir d’une "
            "visite : il évalue vos volumes, propose la taille et le nombre de bacs, et la "
            "fréquence de collecte (jusqu’à 6 passages par semaine en saison sur le "
            "littoral). Les cartons pliés des commerces du centre sont collectés gratuitement "
            "le mardi et le vendredi.")},
    },
}
