# ruff: noqa: E501  (article bodies are prose: one paragraph per line)
"""Knowledge-base articles for déchèteries, bulky items, water, sanitation and general
questions (same format and caveats as knowledge_dechets)."""

ARTICLES_SERVICES = {
    ("decheteries", "horaires"): {
        "title": "Déchèteries : adresses et horaires",
        "keywords": "déchèterie horaires ouverture dimanche adresse touques saint-arnoult villers",
        "body": """
Règle du service :
Trois déchèteries : Touques (chemin du Roy, ZA des Marettes), Saint-Arnoult (chemin de la Croix Sonnet), Villers-sur-Mer (route de Beaumont). Horaires d’été du 1er avril au 30 septembre, d’hiver le reste de l’année ; Touques ouvre le dimanche matin en été. Fermées les jours fériés. Accès jusqu’à un quart d’heure avant la fermeture.

Ce qu’on répond :
– Les horaires du jour et du site le plus proche de l’usager (fiche de chaque site sur le site internet ; Sophie les donne à toute heure).
– Rappeler la carte d’accès obligatoire.

Délai : réponse immédiate.
""",
    },
    ("decheteries", "acces"): {
        "title": "Carte d’accès aux déchèteries",
        "keywords": "carte badge accès déchèterie perdu justificatif remorque passages",
        "body": """
Règle du service :
Carte gratuite, obligatoire, pour les résidents principaux et secondaires, sur justificatif de domicile de moins de 3 mois (facture d’eau ou d’électricité, avis de taxe foncière). Deux cartes au plus par foyer. Carte perdue : remplacement à 10 €. Particuliers : véhicule de moins de 3,5 t, remorque simple essieu acceptée, 2 m³ par passage, 18 passages par an.

Ce qu’on répond :
– Pièces à fournir ; la carte est envoyée par courrier sous 10 jours ouvrés ; en attendant, la confirmation de la demande donne accès.
– Passages épuisés : au-delà de 18, l’usager peut acheter des passages supplémentaires ou faire appel à la collecte des encombrants.

À demander :
– Nom, adresse sur le territoire, justificatif (photo acceptée), nombre de cartes souhaitées.

Délai : transaction, 10 jours ouvrés.
""",
    },
    ("decheteries", "dechets-acceptes"): {
        "title": "Déchets acceptés et refusés en déchèterie",
        "keywords": "déchèterie accepté refusé amiante fibrociment pneu frigo gravats gaz",
        "body": """
Règle du service :
Acceptés : végétaux, gravats, bois, ferraille, meubles et matelas, appareils électriques et électroniques, gros cartons, déchets dangereux des ménages, piles et ampoules, textiles, huiles, pneus de voiture déjantés (4 par an).
Refusés : ordures ménagères, amiante et fibrociment, bouteilles de gaz, extincteurs, déchets médicaux, explosifs et fusées de détresse, cadavres d’animaux, épaves, pneus de poids lourds ou agricoles.

Ce qu’on répond :
– Accepté : le site et le conteneur ; trier avant d’arriver.
– Refusé : la bonne filière (amiante : entreprise agréée, liste disponible ; gaz et extincteurs : distributeur ; fusées : point de vente nautique).

Délai : réponse immédiate.
""",
    },
    ("decheteries", "professionnels"): {
        "title": "Déchèteries : accès et tarifs des professionnels",
        "keywords": "professionnel artisan paysagiste compte déchèterie tarif m3 kbis",
        "body": """
Règle du service :
Accès sur compte professionnel (extrait Kbis de moins de 3 mois, carte grise de chaque véhicule), aux horaires d’ouverture, 5 m³ par jour au plus, facturation mensuelle au volume. Tarifs au m³ : végétaux 18 €, gravats 28 €, tout-venant 32 €, bois 22 € ; ferraille et cartons gratuits ; déchets dangereux 2,50 € le kg (20 kg au plus). Amiante refusée.

Ce qu’on répond :
– Les pièces à envoyer et le délai d’ouverture du compte (5 jours ouvrés après réception).
– Les tarifs ; la facture mensuelle détaille chaque dépôt.

Délai : transaction, 10 jours ouvrés.
""",
    },
    ("decheteries", "gravats"): {
        "title": "Gravats et déchets de chantier des particuliers",
        "keywords": "gravats chantier travaux carrelage béton plâtre benne",
        "body": """
Règle du service :
Gravats des particuliers (briques, béton, tuiles, carrelage, cailloux) acceptés gratuitement, 1 m³ par semaine au plus ; le plâtre va dans sa benne dédiée. Au-delà, location d’une benne auprès d’une entreprise.

Ce qu’on répond :
– La limite hebdomadaire, la séparation du plâtre, la benne pour les gros chantiers.
– Amiante (plaques de fibrociment, anciennes dalles) : refusée, entreprise agréée.

Délai : réponse immédiate.
""",
    },
    ("encombrants", "collecte-encombrants"): {
        "title": "Encombrants : règles de la collecte à domicile",
        "keywords": "encombrant meuble matelas canapé électroménager collecte domicile gratuit",
        "body": """
Règle du service :
Enlèvement gratuit à domicile sur rendez-vous, deux fois par an par foyer, jusqu’à 3 objets ou 1 m³. Objets sortis la veille au soir, sans gêner le passage. Pas de gravats, de déchets dangereux ni de sacs d’ordures. Les appareils électriques sont repris pour être recyclés.

Ce qu’on répond :
– Les règles, puis proposer directement un rendez-vous (voir l’article « Rendez-vous d’enlèvement »).
– Alternative : la déchèterie ; les associations de réemploi pour les meubles en bon état.

Si l’enlèvement prévu n’a pas eu lieu :
Réclamation, priorité haute ; reprogrammer dans la semaine et s’excuser ; prévenir le superviseur si l’équipe n’avait pas reçu le rendez-vous.
""",
    },
    ("encombrants", "rendez-vous"): {
        "title": "Prendre un rendez-vous d’enlèvement des encombrants",
        "keywords": "rendez-vous encombrants enlèvement date tournée",
        "body": """
Règle du service :
Les tournées d’encombrants passent dans chaque commune deux fois par mois. Le rendez-vous est fixé sur la prochaine tournée de la commune ayant de la place (délai habituel : 1 à 3 semaines, davantage en été).

Ce qu’on fait pendant le contact :
– Vérifier le nombre d’enlèvements déjà faits cette année pour le foyer (2 au plus).
– Noter la liste des objets (3 objets ou 1 m³), l’adresse exacte, un téléphone pour prévenir la veille.
– Donner la date et rappeler : objets sortis la veille au soir ; pour modifier, prévenir au moins deux jours avant.

Personnes âgées ou à mobilité réduite : l’équipe peut sortir les objets du rez-de-chaussée, à noter dans la demande.

Délai : rendez-vous, 5 jours ouvrés pour confirmer la date.
""",
    },
    ("encombrants", "vegetaux"): {
        "title": "Déchets verts : déchèterie, compost, collecte sur rendez-vous",
        "keywords": "végétaux déchets verts tonte branches feuilles brûlage haie élagage",
        "body": """
Règle du service :
Le brûlage des déchets verts est interdit toute l’année (règlement sanitaire départemental, amende possible). Tontes, feuilles et branches : déchèterie (gratuit pour les particuliers), compost et paillage au jardin. Collecte à domicile sur rendez-vous pour les personnes de plus de 70 ans ou à mobilité réduite : 2 m³ au plus, branches fagotées de 1,50 m au maximum.

Ce qu’on répond :
– L’interdiction du brûlage et les solutions ; pour les ayants droit, proposer le rendez-vous.

Délai : information immédiate ; rendez-vous 5 jours ouvrés.
""",
    },
    ("encombrants", "sapins"): {
        "title": "Sapins de Noël",
        "keywords": "sapin noël enclos broyage paillage janvier",
        "body": """
Règle du service :
Du 26 décembre au 31 janvier, un enclos à sapins est installé dans chaque commune (liste publiée sur le site). Les sapins sont broyés et le paillage est offert aux habitants. Sapin déposé sans décoration, ni pied, ni sac. Sapins floqués (neige artificielle) : déchèterie.

Ce qu’on répond :
– L’enclos le plus proche de l’adresse de l’usager et la date limite du 31 janvier.
– Après le 31 janvier : déchèterie, avec les végétaux ; jamais avec les ordures ménagères ni sur le trottoir.
– Le paillage est à retirer librement près de l’enclos en février.

Délai : réponse immédiate.
""",
    },
    ("encombrants", "depots-sauvages"): {
        "title": "Dépôts sauvages : signalement et enlèvement",
        "keywords": "dépôt sauvage décharge abandon déchets trottoir chemin sacs amende",
        "body": """
Règle du service :
Les dépôts sauvages sur le domaine public sont enlevés par l’équipe de propreté sous 3 jours ouvrés (sous 24 h s’ils sont dangereux ou gênent la circulation). Le dépôt est une infraction (amende jusqu’à 1 500 €) : tout indice sur l’auteur est transmis à la mairie, qui peut engager une procédure.

À demander :
– Emplacement précis (rue, repère, coordonnées GPS si l’usager les a), nature et volume des déchets, présence de produits dangereux, photo si possible.
– Ne jamais demander à l’usager de fouiller le dépôt.

Ce qu’on répond :
– Remercier, annoncer le délai d’enlèvement ; si le même lieu revient souvent, prévenir le superviseur (pose d’une caméra ou d’un panneau par la mairie).

Délai : signalement, 3 jours ouvrés.
""",
    },
    ("eau", "qualite"): {
        "title": "Qualité de l’eau du robinet",
        "keywords": "qualité eau trouble chlore goût calcaire potable bébé analyse",
        "body": """
Règle du service :
L’eau distribuée provient des forages du Pays d’Auge ; elle est contrôlée par l’Agence régionale de santé (résultats publiés par commune sur le site du ministère de la Santé). Elle est moyennement calcaire ; un adoucisseur n’est pas nécessaire.

Ce qu’on répond :
– Eau trouble ou blanche après travaux : air ou dépôts, faire couler l’eau froide quelques minutes ; l’eau reste potable.
– Goût de chlore : normal à faible dose ; conserver une carafe au réfrigérateur.
– Bébé : l’eau du robinet convient ; en cas de doute, avis médical.

Si le problème persiste plus de 48 heures :
Réclamation ; faire vérifier le chlore résiduel dans la rue et proposer un prélèvement chez l’usager.
""",
    },
    ("eau", "fuite"): {
        "title": "Fuite d’eau : urgence et responsabilités",
        "keywords": "fuite eau jaillit trottoir compteur regard bouche à clé urgence",
        "body": """
Règle du service :
Fuite sur la voie publique ou avant le compteur : réparée par le service des eaux, sans frais pour l’usager. Fuite après le compteur : installation privée, à la charge de l’abonné (plombier). Une fuite importante est une urgence : engagement de prise en charge en 2 heures ouvrées, résolution en 1 jour ouvré.

À demander :
– Adresse et emplacement précis, débit (suintement, écoulement, jet), eau sur la chaussée (danger), le regard du compteur est-il inondé.

Ce qu’on fait :
– Passer la demande en priorité urgente et prévenir l’astreinte par téléphone, en plus de la demande.
– Conseiller à l’usager de fermer le robinet d’arrêt après compteur si la fuite est chez lui.

Délai : signalement eau, 1 jour ouvré.
""",
    },
    ("eau", "coupure"): {
        "title": "Coupures d’eau et manque de pression",
        "keywords": "coupure eau plus d'eau pression travaux remise en eau",
        "body": """
Règle du service :
Les coupures programmées sont annoncées 48 heures avant (avis en boîte aux lettres, site, SMS aux abonnés inscrits). Une coupure non annoncée signale une casse : l’équipe d’intervention est déjà prévenue en général.

Ce qu’on répond :
– Vérifier la carte des interventions en cours ; donner l’heure prévue de remise en eau.
– À la remise en eau : laisser couler l’eau froide quelques minutes.
– Personne vulnérable (dialyse à domicile, nourrisson) : le signaler au superviseur pour une distribution d’eau en bouteille.

Délai : signalement 3 jours ouvrés (1 jour ouvré s’il s’agit d’une casse).
""",
    },
    ("eau", "compteur"): {
        "title": "Compteur d’eau : relève, gel, remplacement",
        "keywords": "compteur relève index gel fendu remplacement divisionnaire",
        "body": """
Règle du service :
Le compteur est relevé une fois par an. En cas d’absence, l’abonné peut transmettre son index (chiffres noirs) avec une photo, ou prendre rendez-vous. Un compteur gelé faute de protection est remplacé à la charge de l’abonné (devis envoyé). Les compteurs divisionnaires relèvent du propriétaire.

Ce qu’on répond :
– Relève : accepter l’index envoyé, ou fixer un rendez-vous (créneau de 3 heures).
– Gel : conseiller la plaque isolante (pas de paille ni de laine de verre, qui retiennent l’humidité).

Délai : rendez-vous 5 jours ouvrés ; transaction 10 jours ouvrés.
""",
    },
    ("eau", "abonnement"): {
        "title": "Ouvrir, transférer ou résilier un abonnement d’eau",
        "keywords": "abonnement emménagement déménagement résiliation titulaire vente",
        "body": """
Règle du service :
Pas de frais d’ouverture. Toute ouverture, tout transfert ou toute résiliation se fait à une date donnée, avec l’index du compteur ce jour-là. Le contrat est envoyé par courriel.

À demander :
– Date, index du compteur (photo bienvenue), nom du nouveau titulaire, adresse de facturation, et pour un départ la nouvelle adresse pour la facture de clôture.

Ce qu’on répond :
– « Votre abonnement est enregistré au [date] ; le contrat vous est envoyé par courriel. »
– Vente : la facture de clôture est établie à l’index du jour de la signature ; l’acquéreur ouvre son propre abonnement.
– Location : l’abonnement est au nom de l’occupant, sauf compteur collectif (syndic).

Délai : transaction, 10 jours ouvrés.
""",
    },
    ("eau", "facture-eau"): {
        "title": "Facture d’eau : comprendre, contester, mensualiser",
        "keywords": "facture eau élevée fuite loi warsmann mensualisation prix m3",
        "body": """
Règle du service :
Facture semestrielle, mensualisation possible à tout moment (mandat de prélèvement). Une consommation anormale (au moins le double de la moyenne) doit être signalée à l’abonné. Loi Warsmann : en cas de fuite sur canalisation après compteur réparée par un professionnel, la facture est plafonnée au double de la consommation habituelle si l’abonné envoie l’attestation de réparation dans le mois.

Ce qu’on répond :
– Facture élevée : proposer le test de fuite (relever l’index le soir et le matin sans puiser d’eau) et expliquer l’écrêtement Warsmann.
– Prix : détaillé au verso de la facture, fixé chaque année par délibération.

Délai : réclamation, 5 jours ouvrés.
""",
    },
    ("assainissement", "controle"): {
        "title": "Contrôle des installations d’assainissement non collectif (SPANC)",
        "keywords": "spanc contrôle fosse septique assainissement individuel vente diagnostic",
        "body": """
Règle du service :
Le SPANC contrôle les installations individuelles : à la conception, à la réalisation, puis périodiquement, et avant une vente (rapport valable 3 ans). Le contrôle est facturé selon le tarif voté par le conseil communautaire.

Ce qu’on fait pendant le contact :
– Fixer le rendez-vous (délai habituel 2 à 3 semaines, plus court pour une vente avec date de signature).
– Rappeler de dégager les regards ; rapport envoyé sous 15 jours.

Délai : rendez-vous, 5 jours ouvrés pour confirmer la date.
""",
    },
    ("assainissement", "raccordement"): {
        "title": "Raccordement au réseau d’assainissement collectif",
        "keywords": "raccordement tout-à-l'égout branchement obligation aide agence de l'eau",
        "body": """
Règle du service :
Le raccordement est obligatoire dans les deux ans suivant la mise en service du réseau dans la rue. La partie publique du branchement est réalisée par la collectivité ; la partie privée est à la charge du propriétaire, avec une aide possible de l’Agence de l’eau Seine-Normandie. Un contrôle de conformité est fait après travaux.

Ce qu’on répond :
– L’obligation, le délai, la répartition des travaux, l’aide ; proposer la visite d’un technicien.

Délai : transaction, 10 jours ouvrés.
""",
    },
    ("assainissement", "debouchage"): {
        "title": "Réseau bouché, refoulement, odeurs",
        "keywords": "égout bouché refoulement odeur regard débordement hydrocurage",
        "body": """
Règle du service :
Le service débouche le réseau public et la partie publique des branchements. Un bouchon sur la partie privée (entre la maison et le regard de branchement) est à la charge du propriétaire.

À demander :
– Adresse, débordement sur la voie publique (danger, priorité), refoulement dans le logement, depuis quand.

Ce qu’on fait :
– Débordement sur la voie ou refoulement : priorité urgente, prévenir l’équipe d’hydrocurage.
– Vérifier le regard de branchement avec l’usager pour situer le bouchon.

Délai : signalement, 3 jours ouvrés.
""",
    },
    ("general", "contact"): {
        "title": "Horaires et moyens de contacter la Maison des Services",
        "keywords": "horaires accueil téléphone samedi contact adresse",
        "body": """
Règle du service :
Accueil et téléphone (02 31 88 00 00) : du lundi au vendredi de 9 h à 17 h ; le samedi de 9 h à 12 h pendant les vacances scolaires de la zone C (région parisienne), pour les résidents secondaires. Fermé les jours fériés. Formulaire en ligne, courriel et Sophie : à toute heure, réponse dans les délais de nos engagements de service.

Ce qu’on répond :
– Les horaires du jour (ouvert ou fermé maintenant, prochaine ouverture) et le canal le plus simple pour la demande de l’usager.
– Hors horaires : le formulaire et Sophie ; une demande écrite reçoit un accusé avec sa référence.
– Personne qui ne peut pas se déplacer : proposer le rappel téléphonique.

Délai : réponse immédiate.
""",
    },
    ("general", "donnees-personnelles"): {
        "title": "Données personnelles : consentements et droits RGPD",
        "keywords": "rgpd données personnelles désinscription sms consentement accès effacement",
        "body": """
Règle du service :
Nous n’écrivons à un usager en dehors de ses demandes (informations, campagnes, enquêtes) que s’il l’a accepté ; il peut retirer son accord à tout moment, par le lien présent dans chaque message ou auprès d’un agent. Droits d’accès, de rectification et d’effacement : réponse sous un mois.

Ce qu’on fait :
– Retrait d’un consentement : l’enregistrer tout de suite dans la fiche de l’usager (onglet consentements), confirmer.
– Demande d’accès ou d’effacement : créer la demande et la transmettre au superviseur (export ou anonymisation depuis la fiche usager).

Délai : 1 mois pour les droits RGPD ; le retrait d’un consentement est immédiat.
""",
    },
    ("general", "hors-competence"): {
        "title": "Demandes qui relèvent de la mairie",
        "keywords": "hors compétence mairie éclairage voirie stationnement état civil urbanisme",
        "body": """
Règle du service :
La communauté de communes gère les déchets, l’eau et l’assainissement. Relèvent des mairies : éclairage public, voirie et nids-de-poule, stationnement, état civil, urbanisme, écoles, propreté des plages selon la commune.

Ce qu’on fait :
– Ne pas renvoyer l’usager sans solution : transmettre sa demande à la mairie concernée (courriel de la mairie dans la fiche commune) et lui donner les coordonnées de l’accueil de sa mairie.
– Clore la demande avec le motif « Hors compétence (réorientée) ».

Délai : réponse immédiate.
""",
    },
    ("general", "autre"): {
        "title": "Autres demandes : immeubles, animations, visites",
        "keywords": "syndic immeuble local poubelle animation visite centre de tri école",
        "body": """
Règle du service :
Immeubles : le local poubelles et la sortie des bacs relèvent du syndic ; le service adapte le nombre de bacs et fournit des affiches de tri pour le hall. Animations : visites du centre de tri pour les scolaires de septembre à juin, ateliers compostage, stands sur les marchés l’été.

Ce qu’on fait :
– Identifier le bon interlocuteur et le bon thème ; requalifier la demande si elle relève d’un autre thème.

Délai : information, 2 jours ouvrés.
""",
    },
}
