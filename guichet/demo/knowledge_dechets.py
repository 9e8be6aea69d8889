# ruff: noqa: E501  (article bodies are prose: one paragraph per line)
"""Knowledge-base articles for collection, sorting and the professionals' fee.

Demo content written for agents: the service's rule, what to say, what to check or ask, and
what to do when the request cannot be settled during the contact. Figures are those used
throughout the demo (déchèteries, collection calendar) and must be validated by the service.
"""

ARTICLES_DECHETS = {
    ("collecte", "jours-collecte"): {
        "title": "Donner les jours de collecte d’une adresse",
        "keywords": "jour collecte ramassage camion poubelle calendrier bac jaune passage",
        "body": """
Règle du service :
Chaque rue appartient à un secteur de collecte. Les ordures ménagères sont collectées deux fois par semaine sur le littoral (une troisième fois le samedi en juillet-août), une fois par semaine dans les communes rurales (Saint-Gatien-des-Bois, Saint-Pierre-Azif, Vauville). Le bac jaune (emballages) est collecté une fois par semaine. Le verre n’est pas collecté en porte-à-porte : colonnes d’apport volontaire.

Ce qu’on répond :
– Demander l’adresse exacte (numéro, rue, commune) et retrouver le secteur.
– Donner les jours de chaque flux et rappeler : bac sorti la veille au soir après 19 h, poignée côté rue, rentré après le passage.
– Indiquer que le calendrier est consultable à tout moment sur le site (« Mes jours de collecte ») et que Sophie le donne à toute heure.

À vérifier :
– Les reports de jours fériés de la semaine en cours (voir l’article « Jours fériés »).
– Si l’usager vient d’emménager : proposer la livraison de bacs s’il n’en a pas.

Délai : réponse immédiate, pendant le contact.
""",
    },
    ("collecte", "oubli-collecte"): {
        "title": "Bac non collecté : vérifier, faire rattraper, répondre",
        "keywords": "oubli collecte bac non vidé pas ramassé camion pas passé rattrapage",
        "body": """
Règle du service :
Une collecte non effectuée du fait du service est rattrapée au plus tard le jour ouvré suivant. Elle n’est pas rattrapée si le bac n’était pas sorti à l’heure, s’il contenait des erreurs de tri (autocollant rouge) ou s’il était inaccessible (véhicule garé, travaux).

Ce qu’on répond :
– Vérifier dans le suivi de tournée du prestataire : rue faite ou non, incident signalé (bac absent, accès bloqué).
– Si la rue n’a pas été faite : « Un rattrapage est programmé demain matin, laissez votre bac sorti. »
– Si le bac a été refusé (erreur de tri) : expliquer l’erreur, retirer l’intrus, collecte au prochain passage.

À demander :
– Adresse exacte, flux concerné (ordures ménagères ou bac jaune), heure à laquelle le bac a été sorti.
– Si toute la rue est concernée : créer une seule demande et noter les adresses voisines signalées.

Si ce n’est pas réglé pendant le contact :
Réclamation, priorité haute, engagement de 5 jours ouvrés. Relancer le prestataire le jour même ; en cas de deuxième oubli dans le mois, prévenir le superviseur (pénalité prévue au marché).
""",
    },
    ("collecte", "bacs"): {
        "title": "Bacs : dotation, échange, réparation, vol",
        "keywords": "bac poubelle cassé volé couvercle roue échange taille litres livraison",
        "body": """
Règle du service :
Les bacs appartiennent à la collectivité et sont attribués à l’adresse. Dotation selon la taille du foyer : 120 L (1–2 personnes), 180 L (3–4), 240 L (5 et plus). Livraison, échange (une fois par an) et réparation gratuits ; un bac volé est remplacé sur déclaration. Un bac abîmé par le camion est réparé sans frais.

Ce qu’on répond :
– Nouveau bac ou échange : « Livraison sous 10 jours ouvrés, sans rendez-vous, laissez l’ancien bac accessible depuis la rue. »
– Couvercle, roue ou poignée cassés : un technicien passe réparer, sans rendez-vous.
– Vol : demander si une déclaration a été faite en mairie ou en gendarmerie (conseillée, non obligatoire) et programmer le remplacement.

À demander :
– Adresse, nombre de personnes du foyer, taille et numéro de puce du bac (sur la cuve) si possible.
– Pour un professionnel : renvoyer vers l’article « Collecte des professionnels ».

Si ce n’est pas réglé pendant le contact :
Transaction, 10 jours ouvrés. Confirmer la date de livraison par SMS la veille quand l’usager a un mobile.
""",
    },
    ("collecte", "sacs"): {
        "title": "Sacs jaunes et composteurs",
        "keywords": "sac jaune rouleau composteur compost lombricomposteur biodéchets",
        "body": """
Règle du service :
Les sacs jaunes sont réservés aux logements sans place pour un bac jaune (centres-villes, appartements sans local) ; un rouleau de 25 sacs par trimestre, à retirer en mairie ou à la Maison des Services sur justificatif de domicile. Les composteurs (400 L, bois) sont remis gratuitement à l’issue d’une formation d’une heure, organisée chaque mois.

Ce qu’on répond :
– Sacs : où les retirer (mairie de la commune, Maison des Services, 9 h–17 h), pièce à présenter.
– Composteur : inscrire l’usager à la prochaine formation ; l’invitation lui est envoyée.
– Rappeler que les biodéchets peuvent aussi aller au composteur partagé de la commune s’il en existe un.

À vérifier :
– Que l’adresse ne dispose pas déjà d’un bac jaune (sinon, pas de sacs).

Délai : 10 jours ouvrés pour une inscription (transaction) ; réponse immédiate pour une information.
""",
    },
    ("collecte", "jours-feries"): {
        "title": "Collecte et jours fériés",
        "keywords": "férié report rattrapage noël 1er mai 14 juillet collecte décalée",
        "body": """
Règle du service :
Une collecte qui tombe un jour férié est rattrapée le lendemain, samedi compris. Exception : le 1er mai n’est pas rattrapé, la collecte suivante a lieu normalement. Les reports sont publiés sur le site et envoyés par SMS aux usagers qui l’ont accepté.

Ce qu’on répond :
– « Votre collecte du [jour férié] est décalée au lendemain : sortez votre bac la veille au soir du jour de rattrapage. »
– Pour le 1er mai : « Pas de rattrapage, gardez votre bac jusqu’à la collecte suivante ; en cas de surplus, déposez vos sacs fermés dans une borne enterrée. »

À vérifier :
– La liste des reports de la semaine (calendrier de collecte, reports publiés).

Délai : réponse immédiate.
""",
    },
    ("collecte", "residences-secondaires"): {
        "title": "Résidences secondaires et locations saisonnières",
        "keywords": "résidence secondaire week-end vacances location saisonnière gîte meublé "
                    "touristique",
        "body": """
Règle du service :
Les résidents secondaires ont les mêmes droits que les résidents permanents (bacs, carte de déchèterie, encombrants). En juillet-août, une collecte supplémentaire des ordures ménagères a lieu le samedi sur le littoral. Les bornes enterrées sont accessibles à toute heure pour ceux qui repartent le dimanche. Une location saisonnière peut demander un bac supplémentaire pour la saison (1er juin – 30 septembre).

Ce qu’on répond :
– Jours de collecte de l’adresse et collecte du samedi en été.
– Départ le dimanche soir : déposer les sacs fermés dans la borne enterrée la plus proche, jamais sur le trottoir (goélands, dépôt verbalisable).
– Location : proposer le bac de saison et l’affichette de tri à laisser aux locataires.

À demander :
– Adresse sur le territoire, coordonnées de contact (souvent en région parisienne), dates de présence.

Délai : information immédiate ; bac de saison 10 jours ouvrés.
""",
    },
    ("tri", "consignes"): {
        "title": "Consignes de tri : tous les emballages au bac jaune",
        "keywords": "tri bac jaune emballage plastique pot yaourt barquette film conserve "
                    "consigne erreur autocollant",
        "body": """
Règle du service (extension des consignes de tri) :
Tous les emballages vont dans le bac jaune : bouteilles et flacons, pots, barquettes, films et sachets plastiques, boîtes de conserve, canettes, aérosols vides, cartons et briques, ainsi que tous les papiers. Inutile de laver : bien vider suffit. En vrac, sans sac, sans imbriquer les emballages.

Ne vont pas au bac jaune : le verre (colonnes), les restes alimentaires, les objets qui ne sont pas des emballages (jouets, vaisselle, seaux, cintres), les textiles, les couches.

Ce qu’on répond :
– Citer l’exemple de l’usager et la consigne correspondante ; le guide du tri complet est sur le site et Sophie répond objet par objet.
– Autocollant rouge sur le bac : un intrus a été vu ; le retirer et le bac sera collecté au prochain passage.

Délai : réponse immédiate.
""",
    },
    ("tri", "verre"): {
        "title": "Verre : colonnes d’apport volontaire",
        "keywords": "verre bouteille bocal colonne pleine débordement verre cassé",
        "body": """
Règle du service :
Le verre d’emballage (bouteilles, pots, bocaux, sans bouchon ni couvercle) se dépose dans les colonnes à verre. Vaisselle, verres à boire, porcelaine, vitres et ampoules n’en sont pas. Les colonnes du littoral sont vidées deux fois par semaine en été, une fois par semaine le reste de l’année. Dépôt conseillé entre 8 h et 20 h.

Ce qu’on répond :
– Où est la colonne la plus proche (carte « Où déposer ? » sur le site).
– Colonne pleine : la faire ajouter à la tournée de vidage du lendemain ; le verre déposé au sol est ramassé par l’équipe de propreté.

À demander pour un signalement :
– Emplacement précis de la colonne (rue, repère), depuis quand elle est pleine, présence de verre cassé au sol (priorité si danger).

Délai : signalement, 3 jours ouvrés ; vidage demandé le jour même au prestataire.
""",
    },
    ("tri", "papier"): {
        "title": "Papiers et cartons",
        "keywords": "papier carton journal enveloppe gros carton déménagement conteneur",
        "body": """
Règle du service :
Papiers (journaux, magazines, enveloppes même à fenêtre, prospectus) et petits cartons pliés vont au bac jaune ou dans les conteneurs à papier. Les gros cartons (déménagement, électroménager) vont pliés en déchèterie, gratuitement. Les commerces du centre ont une collecte des cartons le mardi et le vendredi.

Ce qu’on répond :
– Consigne selon l’objet ; pour un déménagement, la déchèterie la plus proche et ses horaires.
– Conteneur plein : vidage demandé au prestataire, cartons au sol ramassés.

Délai : information immédiate ; signalement 3 jours ouvrés.
""",
    },
    ("tri", "textiles"): {
        "title": "Textiles, linge et chaussures",
        "keywords": "textile vêtement linge chaussure borne relais don",
        "body": """
Règle du service :
Vêtements, linge de maison, chaussures attachées par paires et petite maroquinerie se déposent dans les bornes textiles, même usés ou déchirés, propres et secs, en sac fermé. Les bornes sont en déchèterie et sur les parkings des supermarchés ; elles sont vidées par une association d’insertion.

Ce qu’on répond :
– Où sont les bornes (carte sur le site) ; ce qui est accepté.
– Borne pleine : prévenir l’association (vidage sous 48 heures) et noter l’emplacement.

Délai : information immédiate ; signalement transmis le jour même.
""",
    },
    ("tri", "pav"): {
        "title": "Bornes enterrées et points d’apport volontaire",
        "keywords": "borne enterrée point apport volontaire conteneur trappe bloquée plein sacs",
        "body": """
Règle du service :
Les bornes enterrées (ordures ménagères, emballages, verre) sont accessibles à toute heure, sauf le verre (8 h–20 h par respect du voisinage). Elles sont vidées selon leur taux de remplissage, deux fois plus souvent en été sur le littoral. Une trappe bloquée est réparée sous 24 heures.

Ce qu’on répond :
– Borne pleine ou bloquée : intervention sous 24 heures, sacs au sol ramassés par l’équipe de propreté.
– En attendant : indiquer la borne la plus proche.

À demander :
– Emplacement exact (rue, repère, numéro de borne s’il est visible), flux concerné, nature du problème (pleine, trappe bloquée, pédale cassée).

Délai : signalement, 3 jours ouvrés (intervention technique sous 24 h).
""",
    },
    ("tri", "dechets-speciaux"): {
        "title": "Piles, ampoules, médicaments et produits dangereux",
        "keywords": "pile batterie ampoule néon médicament peinture solvant produit dangereux "
                    "aérosol huile",
        "body": """
Règle du service :
Ces déchets ne vont jamais dans les bacs. Peintures, solvants, produits de jardin, huiles et aérosols pleins : local des déchets dangereux des déchèteries, dans l’emballage d’origine. Piles, batteries, ampoules et néons : bacs des magasins qui en vendent ou déchèterie. Médicaments : pharmacie. Aiguilles et seringues : boîtes DASRI fournies en pharmacie.

Ce qu’on répond :
– Le bon point de dépôt pour chaque produit ; ne jamais mélanger les produits.
– Bouteilles de gaz et extincteurs : refusés en déchèterie, à rapporter au distributeur.

Délai : réponse immédiate.
""",
    },
    ("redevance", "fonctionnement"): {
        "title": "Redevance des professionnels : comment elle est calculée",
        "keywords": "redevance incitative spéciale professionnel levée puce calcul part fixe "
                    "variable",
        "body": """
Règle du service :
Les professionnels collectés par le service paient une redevance : une part fixe selon le volume du bac et une part variable selon le nombre de levées (chaque vidage enregistré par la puce du bac). Le bac jaune (emballages) est collecté sans supplément. Facturation semestrielle.

Ce qu’on répond :
– Expliquer les deux parts ; pour réduire la facture : présenter le bac seulement quand il est plein, trier les emballages, adapter la taille des bacs.
– Proposer la visite d’un conseiller pour ajuster la dotation.
– Le relevé de levées est envoyé sur demande.

À demander :
– Raison sociale, SIRET, adresse de l’établissement, période d’ouverture (saisonnier ou annuel).

Délai : information immédiate ; visite sous 10 jours ouvrés.
""",
    },
    ("redevance", "contestation"): {
        "title": "Contester des levées ou une facture de redevance",
        "keywords": "contestation réclamation levée facture redevance fermeture erreur avoir",
        "body": """
Règle du service :
Toute contestation est examinée à partir des enregistrements de la puce du bac (date, heure, lieu de chaque levée). Les levées d’un bac présenté par erreur, ou pendant une fermeture déclarée, sont annulées par un avoir sur la facture suivante. Le paiement n’est pas suspendu pendant l’examen, sauf doublon manifeste.

Ce qu’on répond :
– Accuser réception, annoncer l’examen des levées contestées et le délai.
– Après vérification : annuler les levées justifiées (avoir) ou expliquer, relevé à l’appui, pourquoi elles sont dues.

À demander :
– Numéro de facture, levées contestées (dates), périodes de fermeture, justificatifs éventuels.

Délai : réclamation, 5 jours ouvrés. Conseiller à l’établissement de déclarer ses périodes de fermeture chaque année.
""",
    },
    ("redevance", "facturation"): {
        "title": "Facturation : TEOM, redevance, paiement",
        "keywords": "facture TEOM taxe foncière redevance paiement prélèvement doublon trésor "
                    "public",
        "body": """
Règle du service :
Les particuliers paient la taxe d’enlèvement des ordures ménagères (TEOM) avec la taxe foncière : le service n’envoie pas de facture aux particuliers pour les déchets. Les professionnels collectés paient la redevance et peuvent demander l’exonération de TEOM. Paiement par prélèvement, par carte en ligne ou au Trésor public.

Ce qu’on répond :
– Particulier qui reçoit une « facture déchets » : c’est la TEOM de son avis de taxe foncière, à voir avec les impôts.
– Professionnel : expliquer la redevance, proposer le prélèvement (mandat joint à la facture).
– Doublon : vérifier les comptes (changement de raison sociale fréquent), annuler la facture en double.

Délai : information immédiate ; réclamation 5 jours ouvrés.
""",
    },
    ("redevance", "collecte-pro"): {
        "title": "Collecte des professionnels : dotation et fréquence",
        "keywords": "professionnel commerce restaurant camping bac collecte carton fréquence",
        "body": """
Règle du service :
Les professionnels dont les déchets sont assimilables aux ordures ménagères sont collectés par le service. Un conseiller évalue les volumes et fixe la dotation (taille et nombre de bacs) et la fréquence, jusqu’à 6 passages par semaine en saison sur le littoral. Cartons pliés des commerces du centre : collecte gratuite le mardi et le vendredi.

Ce qu’on répond :
– Ouverture, changement d’activité ou de saison : proposer la visite d’un conseiller (rendez-vous).
– Rappeler le tri des emballages (bac jaune sans supplément) et des biodéchets pour la restauration.

À demander :
– Raison sociale, SIRET, adresse, type d’activité, dates d’ouverture, volumes estimés.

Délai : transaction 10 jours ouvrés ; rendez-vous sous 5 jours ouvrés.
""",
    },
}
