"""Demo requests about water, sanitation and general questions (same format as
requests_dechets)."""

REQUESTS_EAU = {
    "qualite": {
        "subjects": ["Qualité de l’eau", "Eau trouble", "Goût de chlore", "Eau calcaire"],
        "texts": {
            "reclamation": ["Bonjour, depuis trois jours l’eau du robinet est trouble et a un "
                            "goût de chlore au {address}. Est-elle potable ?"],
            "*": ["Bonjour, l’eau de {commune} est-elle calcaire ? Faut-il un adoucisseur ?",
                  "Bonjour, d’où vient l’eau du robinet à {commune} ? Peut-on la donner à un "
                  "bébé ?"],
        },
        "replies": {
            "reclamation": (
                "L’eau reste potable. Une eau trouble après des travaux sur le réseau est due "
                "à de l’air ou à des dépôts remis en suspension : faites couler l’eau froide "
                "quelques minutes. Un technicien a vérifié le chlore résiduel dans votre rue : "
                "il est conforme. Si le trouble persiste au-delà de 48 heures, répondez à ce "
                "message et nous ferons un prélèvement chez vous."),
            "*": (
                "L’eau distribuée provient des forages du Pays d’Auge ; elle est contrôlée par "
                "l’Agence régionale de santé et conforme. Elle est moyennement calcaire : un "
                "adoucisseur n’est pas nécessaire. Les résultats d’analyse de votre commune "
                "sont publiés sur le site du ministère de la Santé."),
        },
    },
    "fuite": {
        "subjects": ["Fuite d’eau", "Fuite sur la voie publique", "Fuite avant compteur",
                     "Eau qui coule dans la rue"],
        "texts": {"*": [
            "Bonjour, de l’eau s’écoule du trottoir devant le {address} à {commune} depuis ce "
            "matin, il y a une flaque qui grossit.",
            "Fuite importante rue {street}, l’eau jaillit de la bouche à clé. Urgent.",
            "Bonjour, le regard de mon compteur est plein d’eau, la fuite semble avant le "
            "compteur. Adresse : {address}.",
        ]},
        "replies": {"*": (
            "Une équipe d’intervention a été envoyée sur place. Une fuite sur la voie "
            "publique ou avant le compteur est réparée par le service des eaux, sans frais "
            "pour vous ; une coupure de courte durée peut être nécessaire et sera annoncée aux "
            "riverains. Une fuite après le compteur relève de votre installation : fermez le "
            "robinet d’arrêt et faites appel à un plombier.")},
    },
    "coupure": {
        "subjects": ["Coupure d’eau", "Plus d’eau", "Manque de pression",
                     "Travaux sur le réseau d’eau"],
        "texts": {
            "signalement": ["Bonjour, plus une goutte d’eau au {address} depuis une heure. "
                            "Y a-t-il une coupure ?",
                            "Très faible pression ce soir à {commune}, la douche coule à "
                            "peine."],
            "*": ["Bonjour, des travaux sont annoncés rue {street} : combien de temps l’eau "
                  "sera-t-elle coupée ?"],
        },
        "replies": {
            "signalement": (
                "Une casse sur la canalisation principale a nécessité une coupure dans votre "
                "secteur ; l’eau sera rétablie dans la soirée. À la remise en eau, laissez "
                "couler l’eau froide quelques minutes. Les coupures en cours sont affichées "
                "sur notre site et annoncées par SMS aux abonnés inscrits."),
            "*": (
                "Les travaux de la rue {street} nécessitent une coupure d’eau le {date}, de "
                "9 h à 16 h environ. Un avis est déposé dans les boîtes aux lettres 48 heures "
                "avant ; prévoyez une réserve d’eau."),
        },
    },
    "compteur": {
        "subjects": ["Compteur d’eau", "Relève du compteur", "Compteur gelé",
                     "Changement de compteur"],
        "texts": {
            "rendez_vous": ["Bonjour, le releveur est passé en mon absence. Peut-on fixer un "
                            "rendez-vous pour relever le compteur au {address} ?"],
            "*": ["Bonjour, mon compteur a gelé cet hiver, il est fendu. Qui le remplace ?",
                  "Bonjour, je souhaite installer un compteur divisionnaire pour mon "
                  "locataire."],
        },
        "replies": {
            "rendez_vous": (
                "Le rendez-vous de relève est fixé au {date}, entre 9 h et 12 h. Vous pouvez "
                "aussi nous transmettre vous-même l’index (les chiffres noirs) avec une photo "
                "du compteur en réponse à ce message."),
            "*": (
                "Le remplacement d’un compteur gelé est à la charge de l’abonné lorsque le "
                "compteur n’était pas protégé du gel ; un technicien passera le changer, le "
                "devis vous est envoyé. Pour l’hiver prochain, protégez-le avec une plaque "
                "isolante (pas de paille ni de laine de verre, qui retiennent l’humidité)."),
        },
    },
    "abonnement": {
        "subjects": ["Abonnement eau", "Emménagement : ouverture du compteur",
                     "Résiliation de l’abonnement", "Changement de titulaire"],
        "texts": {"*": [
            "Bonjour, nous emménageons le {date} au {address} à {commune}. Comment ouvrir un "
            "abonnement d’eau à notre nom ?",
            "Bonjour, je vends ma maison de {commune}, comment résilier l’abonnement d’eau ?",
        ]},
        "replies": {"*": (
            "Pour ouvrir, transférer ou résilier un abonnement, indiquez-nous la date, l’index "
            "du compteur ce jour-là (photo bienvenue), le nom du nouveau titulaire et une "
            "adresse de facturation. Aucuns frais d’ouverture ne sont demandés. L’abonnement "
            "est enregistré à la date indiquée et le contrat vous est envoyé par courriel.")},
    },
    "facture-eau": {
        "subjects": ["Facture d’eau", "Facture d’eau trop élevée", "Prix de l’eau",
                     "Mensualisation"],
        "texts": {
            "reclamation": [
                "Bonjour, ma facture d’eau est de 612 € pour le semestre au lieu de 180 € "
                "habituellement. Je n’ai pas de fuite visible. Merci de vérifier.",
            ],
            "*": ["Bonjour, peut-on payer l’eau tous les mois plutôt que deux fois par an ?",
                  "Bonjour, quel est le prix du mètre cube d’eau à {commune} ?"],
        },
        "replies": {
            "reclamation": (
                "Une consommation anormale signale souvent une fuite après compteur (chasse "
                "d’eau, groupe de sécurité du chauffe-eau). Relevez votre index le soir et le "
                "lendemain matin sans tirer d’eau : s’il a bougé, il y a une fuite. Si une "
                "fuite sur canalisation enterrée est réparée par un plombier, la loi "
                "Warsmann plafonne votre facture au double de votre consommation habituelle : "
                "envoyez-nous l’attestation de réparation dans le mois."),
            "*": (
                "La mensualisation est possible à tout moment : renvoyez-nous le mandat de "
                "prélèvement joint à votre facture. Le prix de l’eau et de l’assainissement "
                "est fixé chaque année par délibération et détaillé au verso de la facture."),
        },
    },
    "controle": {
        "subjects": ["Contrôle SPANC", "Contrôle de l’assainissement individuel",
                     "Diagnostic assainissement pour une vente"],
        "texts": {"*": [
            "Bonjour, nous vendons notre maison à {commune} : il nous faut le diagnostic "
            "d’assainissement non collectif. Quel délai pour un rendez-vous ?",
            "Bonjour, j’ai reçu un avis de contrôle de ma fosse septique, la date ne me "
            "convient pas.",
        ]},
        "replies": {"*": (
            "Le contrôle de votre installation est fixé au {date} ; le technicien du SPANC a "
            "besoin d’accéder aux regards (dégagez-les). Le rapport vous est envoyé sous 15 "
            "jours ; pour une vente, il est valable 3 ans. Le contrôle est facturé selon le "
            "tarif voté par le conseil communautaire.")},
    },
    "raccordement": {
        "subjects": ["Raccordement au tout-à-l’égout", "Branchement assainissement",
                     "Obligation de raccordement"],
        "texts": {"*": [
            "Bonjour, le tout-à-l’égout passe maintenant rue {street}. Sommes-nous obligés de "
            "nous raccorder, et avec quelle aide ?",
        ]},
        "replies": {"*": (
            "Le raccordement est obligatoire dans les deux ans qui suivent la mise en service "
            "du réseau. La partie publique du branchement est réalisée par la collectivité ; "
            "la partie privée est à votre charge, avec une aide possible de l’Agence de l’eau. "
            "Un technicien peut passer vous conseiller : nous vous proposons un rendez-vous.")},
    },
    "debouchage": {
        "subjects": ["Égout bouché", "Odeurs d’égout", "Refoulement",
                     "Regard d’assainissement bouché"],
        "texts": {"*": [
            "Bonjour, des odeurs d’égout très fortes rue {street} depuis hier, et le regard "
            "déborde.",
            "Bonjour, les eaux usées refoulent dans notre cave au {address}. Est-ce le réseau "
            "public ?",
        ]},
        "replies": {"*": (
            "Une équipe d’hydrocurage est intervenue sur le réseau public de votre rue. Si le "
            "refoulement continue, le bouchon se situe probablement sur votre branchement "
            "privé, à faire déboucher par une entreprise ; nous pouvons vérifier le regard de "
            "branchement avec vous.")},
    },
    "contact": {
        "subjects": ["Horaires de la Maison des Services", "Nous contacter",
                     "Numéro de téléphone"],
        "texts": {"*": [
            "Bonjour, à quelle heure est ouvert l’accueil de la Maison des Services ?",
            "Bonjour, peut-on vous joindre le samedi ?",
        ]},
        "replies": {"*": (
            "L’accueil et le téléphone (02 31 88 00 00) sont ouverts du lundi au vendredi de "
            "9 h à 17 h, et le samedi de 9 h à 12 h pendant les vacances scolaires de la région "
            "parisienne. Le formulaire en ligne et Sophie, notre assistante, répondent à toute "
            "heure.")},
    },
    "donnees-personnelles": {
        "subjects": ["Mes données personnelles", "Désinscription des SMS",
                     "Droit d’accès RGPD"],
        "texts": {"*": [
            "Bonjour, je ne souhaite plus recevoir vos SMS d’information. Merci de me "
            "désinscrire.",
            "Bonjour, quelles données conservez-vous à mon sujet ? Je souhaite y accéder.",
        ]},
        "replies": {"*": (
            "C’est fait : votre choix est enregistré et vous ne recevrez plus ces messages. "
            "Vous pouvez à tout moment consulter ou modifier vos préférences depuis le lien "
            "présent dans nos messages. Pour l’accès à vos données, nous vous envoyons sous "
            "un mois l’export des informations que nous détenons, conformément au RGPD.")},
    },
    "hors-competence": {
        "subjects": ["Éclairage public", "Stationnement", "Nid-de-poule", "État civil"],
        "texts": {"*": [
            "Bonjour, le lampadaire devant le {address} ne fonctionne plus depuis une "
            "semaine.",
            "Bonjour, il y a un nid-de-poule dangereux rue {street} à {commune}.",
            "Bonjour, comment refaire ma carte d’identité ?",
        ]},
        "replies": {"*": (
            "Cette demande relève de la mairie de {commune} et non de la communauté de "
            "communes. Nous lui avons transmis votre message ; vous pouvez aussi la joindre "
            "directement aux horaires d’ouverture de son accueil.")},
    },
    "autre": {
        "subjects": ["Demande d’information", "Question", "Renseignement"],
        "texts": {"*": [
            "Bonjour, à qui dois-je m’adresser pour une question sur les ordures de mon "
            "immeuble ? Le syndic ne répond pas.",
            "Bonjour, organisez-vous des visites du centre de tri pour une classe ?",
        ]},
        "replies": {"*": (
            "Pour un immeuble, le local poubelles et la sortie des bacs relèvent du syndic, "
            "mais nous pouvons adapter le nombre de bacs et fournir des affiches de tri pour "
            "le hall. Les visites du centre de tri pour les scolaires sont organisées de "
            "septembre à juin, sur inscription auprès de notre animatrice.")},
    },
}
