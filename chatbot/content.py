"""Sophie's default words, seeded into the database (`Answer`) where supervisors edit them.

Each intent has a "main" answer and, where needed, other variants (questions, special cases).
`{placeholders}` are filled with computed parts (dates, hours, addresses); an unknown
placeholder is left out, so an edit can never break an answer. Plain French, short sentences,
warm: many residents who write to Sophie are elderly.
"""

# Shared phrases (intent "_sophie").
SOPHIE = {
    "welcome": "Bonjour, je suis Sophie, l’assistante virtuelle de la communauté de communes "
               "Cœur Côte Fleurie. Je réponds jour et nuit à vos questions sur les déchets, "
               "l’eau et l’assainissement. Que puis-je faire pour vous ?",
    "fallback": "Je suis désolée, je n’ai pas compris votre question, ou elle ne concerne pas "
                "nos services (déchets, eau, assainissement). Vous pouvez la reformuler, parler "
                "à un conseiller ou consulter notre site : {website}",
    "fallback_again": "Je n’y arrive pas, pardon. Le plus simple est sans doute de parler à "
                      "un conseiller : voulez-vous que je vous mette en relation ?",
    "empty": "Je n’ai rien reçu. Écrivez-moi votre question en quelques mots.",
    "unreadable": "Je n’arrive pas à lire ce message. Pouvez-vous l’écrire avec des mots ?",
    "emoji_only": "Merci pour votre message ! Pour que je puisse vous aider, écrivez-moi votre "
                  "question en quelques mots.",
    "too_long": "Votre message est très long : je n’en ai lu que le début. Si ma réponse ne "
                "convient pas, posez-moi une question courte.",
    "restart": "C’est reparti ! Je suis Sophie, l’assistante virtuelle. Quelle est votre "
               "question ?",
    "clarify": "Je veux être sûre de bien vous répondre. Votre question porte-t-elle sur :",
    "clarify_other": "Autre chose",
    "ask_commune": "Dans quelle commune habitez-vous ?",
    "ask_commune_again": "Je ne reconnais pas cette commune. Choisissez-la dans la liste, "
                         "s’il vous plaît.",
    "ask_street": "Quelle rue, à {commune} ?",
    "ask_street_again": "Je ne trouve pas cette rue à {commune}. Pouvez-vous l’écrire "
                        "autrement, ou choisir dans la liste ?",
    "ask_place": "Où exactement, à {commune} ? (une adresse, une rue ou un repère)",
    "ask_flux": "Quel bac ou quel type de déchets ?",
    "ask_details": "Décrivez-moi la situation en quelques mots, s’il vous plaît.",
    "ask_objects": "Quels objets souhaitez-vous faire enlever ? (par exemple : un canapé, "
                   "un matelas, un frigo)",
    "ask_photo": "Si vous le pouvez, joignez une photo avec le bouton « Ajouter une photo ». "
                 "Sinon, répondez « pas de photo ».",
    "photo_received": "Merci, j’ai bien reçu votre photo.",
    "ask_contact": "Pour que le service puisse vous répondre, indiquez votre adresse e-mail "
                   "ou votre numéro de téléphone.",
    "ask_contact_optional": "Pour être tenu(e) informé(e), indiquez votre adresse e-mail ou "
                            "votre numéro de téléphone. Vous pouvez aussi répondre « non ».",
    "ask_contact_again": "Je n’ai pas reconnu d’adresse e-mail ni de numéro de téléphone. "
                         "Par exemple : jean.dupont@exemple.fr ou 06 12 34 56 78.",
    "ask_phone": "À quel numéro de téléphone un conseiller peut-il vous rappeler ?",
    "ask_phone_again": "Je n’ai pas reconnu ce numéro. Par exemple : 06 12 34 56 78.",
    "confirm": "Je récapitule votre demande :\n{summary}\nJe la transmets au service ?",
    "cancelled": "D’accord, je n’ai rien transmis. Puis-je vous aider autrement ?",
    "ticket_opened": "C’est transmis ! Votre demande porte la référence {reference}. "
                     "Le service s’engage à vous répondre avant le {due}. Vous pouvez suivre "
                     "son avancement ici : {link}",
    "ticket_failed": "Je n’ai pas pu enregistrer votre demande : {reason} Pouvez-vous "
                     "corriger ?",
    "ask_rating": "Avant de nous quitter : ma réponse vous a-t-elle été utile ? Donnez une "
                  "note de 1 (pas du tout) à 5 (tout à fait).",
    "rating_thanks": "Merci pour votre note ! Elle nous aide à améliorer le service. "
                     "Bonne journée !",
    "handoff_waiting": "Je vous mets en relation avec un conseiller. Il va vous répondre ici "
                       "dans quelques instants : restez sur cette page.",
    "handoff_busy": "Tous nos conseillers sont occupés pour le moment. Je peux transmettre "
                    "votre demande pour qu’un conseiller vous rappelle.",
    "handoff_closed": "Nos conseillers sont disponibles {hours}. {next_opening} Je peux "
                      "transmettre votre demande pour qu’un conseiller vous rappelle.",
    "handoff_taken": "{agent} du service vous répond.",
    "handoff_ended": "Le conseiller a terminé la conversation. Je reste à votre disposition.",
    "handoff_still_waiting": "Un conseiller va vous répondre dans un instant.",
    "ask_yes_no": "Répondez simplement « oui » ou « non ».",
    "anything_else": "Puis-je vous aider pour autre chose ?",
}

ANSWERS: dict[str, dict[str, str]] = {
    "collecte_jours": {
        "main": "Voici les jours de collecte {where} :\n{rounds}",
        "one_flux": "Le prochain ramassage {flux_words} {where} est {next}.",
        "no_round": "Il n’y a pas de collecte {flux_words} en porte-à-porte {where}. {advice}",
        "no_data": "Je n’ai pas encore le calendrier de ce secteur. Le service déchets vous "
                   "renseigne au {phone}.",
    },
    "collecte_calendrier": {
        "main": "Voici le calendrier de collecte {where}, à imprimer : {page}\nPour l’ajouter "
                "à votre agenda (Google, Outlook, iPhone), abonnez-vous à ce lien : {ical}",
    },
    "collecte_jour_ferie": {
        "main": "Les jours fériés, la collecte a bien lieu… le lendemain ! Une collecte qui "
                "tombe un jour férié est rattrapée le jour suivant, samedi compris. {next}",
        "next_holiday": "Prochain jour férié : {holiday} ({day}).",
        "shifted": "Chez vous {where}, cela donne : {shifts}.",
        "none_shifted": "Chez vous {where}, aucune collecte n’est décalée par ce jour férié.",
    },
    "collecte_sortie_bacs": {
        "main": "Sortez votre bac la veille au soir, après 19 h, couvercle fermé et poignée "
                "côté rue. Rentrez-le le jour de la collecte, dès que possible après le "
                "passage du camion (et au plus tard le soir). Un bac qui reste dehors peut "
                "gêner les piétons.",
    },
    "collecte_oubli": {
        "main": "Je suis désolée que votre bac n’ait pas été vidé. Je vais transmettre une "
                "réclamation au service déchets, qui contactera le prestataire.",
        "check": "Pour information, votre prochain passage prévu est {next}.",
    },
    "bac_demande": {
        "main": "Je peux transmettre votre demande de bac (nouveau bac, bac supplémentaire, "
                "plus grand ou plus petit). Le bac est livré gratuitement à domicile sous "
                "15 jours environ.",
    },
    "bac_casse_vole": {
        "main": "Un bac cassé, brûlé ou volé est réparé ou remplacé gratuitement (en cas de "
                "vol, gardez le récépissé de plainte si vous en avez un). Je transmets votre "
                "demande.",
    },
    "sacs_distribution": {
        "main": "Les sacs jaunes pour le tri sont gratuits : retirez-les à l’accueil de votre "
                "mairie ou de la communauté de communes, aux heures d’ouverture. Les sacs "
                "pour les ordures ménagères ne sont pas fournis : un sac fermé de "
                "votre choix convient, déposé dans votre bac.",
        "commune": "À {commune}, retirez vos sacs jaunes à la mairie : {mairie_address} "
                   "({mairie_phone}).",
    },
    "composteur": {
        "main": "La communauté de communes propose des composteurs de 400 litres pour 15 € "
                "(bois ou plastique recyclé), avec un bio-seau offert et une fiche de "
                "conseils. Le compost accueille épluchures, marc de café, coquilles d’œuf, "
                "fleurs fanées et feuilles mortes. Voulez-vous réserver un composteur ?",
    },
    "redevance_incitative": {
        "main": "La redevance incitative concerne les professionnels : elle comprend une "
                "part fixe (abonnement selon le volume du bac) et une part variable selon le "
                "nombre de levées du bac, enregistrées par la puce du bac. Moins vous "
                "présentez votre bac, moins vous payez. Si votre facture vous semble "
                "erronée, je peux transmettre une contestation.",
    },
    "facture_dechets": {
        "main": "Pour les particuliers, la collecte des déchets est financée par la taxe "
                "d’enlèvement des ordures ménagères (TEOM), qui figure sur votre avis de taxe "
                "foncière : elle est calculée par les impôts sur la valeur locative du "
                "logement. Les locataires la paient dans leurs charges. Les professionnels "
                "reçoivent une facture de redevance incitative de la communauté de communes.",
    },
    "dechets_professionnels": {
        "main": "Les commerces, restaurants, hébergements et campings sont collectés avec des "
                "bacs pucés à leur nom, facturés par la redevance incitative. Les cartons "
                "des commerçants sont collectés à part, pliés, le mardi dans les centres-"
                "villes. Pour ouvrir un compte ou changer de bac, contactez le service au "
                "{phone} ou par e-mail : {email}.",
    },
    "residence_secondaire": {
        "main": "En résidence secondaire ou en location saisonnière : vos bacs restent à "
                "l’intérieur de votre propriété entre deux séjours (jamais sur le trottoir). "
                "En juillet et août, les secteurs du bord de mer ont un passage de plus, le "
                "samedi. Si vous louez, laissez à vos locataires les consignes de tri et le "
                "calendrier de collecte. La carte de déchèterie est aussi délivrée aux "
                "résidents secondaires.",
    },
    "tri_ou_jeter": {
        "main": "{item_cap} : {destination}. {advice}",
        "ask_item": "Quel objet voulez-vous jeter ? Écrivez son nom, par exemple « pot de "
                    "yaourt » ou « vieux matelas ».",
        "unknown_item": "Je ne connais pas encore cet objet. En cas de doute : les emballages "
                        "vont au bac jaune, les objets qui ne sont pas des emballages vont "
                        "aux ordures ménagères ou en déchèterie. Un conseiller peut vous "
                        "renseigner.",
    },
    "tri_consignes_emballages": {
        "main": "Dans le bac jaune, tous les emballages se trient : bouteilles et flacons en "
                "plastique, pots de yaourt, barquettes, films et sachets, boîtes de conserve, "
                "canettes, briques alimentaires, cartons et papiers. Inutile de les laver : "
                "videz-les bien, déposez-les en vrac (pas dans un sac fermé) et sans les "
                "imbriquer. Le verre va dans les colonnes à verre.",
    },
    "tri_verre": {
        "main": "Dans les colonnes à verre : bouteilles, pots et bocaux en verre, sans "
                "bouchon ni couvercle. La vaisselle, les verres à boire, la porcelaine, les "
                "miroirs et les ampoules n’y vont pas. Merci de ne pas déposer de verre "
                "entre 22 h et 7 h.",
        "points": "À {commune}, les colonnes à verre se trouvent : {points}.",
        "door": "À {commune}, le verre est aussi collecté en porte-à-porte dans certains "
                "secteurs : demandez-moi « jours de collecte du verre » avec votre rue.",
    },
    "tri_papier": {
        "main": "Papiers, journaux, magazines, enveloppes, cahiers et petits cartons vont dans "
                "le bac jaune ou dans les conteneurs à papier. Les gros cartons, pliés, vont "
                "en déchèterie. Les papiers souillés (essuie-tout, mouchoirs) vont aux "
                "ordures ménagères ou au compost.",
    },
    "tri_textiles": {
        "main": "Vêtements, linge de maison, chaussures (liées par paire) et maroquinerie, même "
                "usés ou déchirés, se déposent propres et secs dans un sac fermé, dans une "
                "borne textile. Ils sont réemployés ou recyclés.",
        "points": "À {commune}, les bornes textiles se trouvent : {points}.",
    },
    "tri_piles_ampoules": {
        "main": "Piles, batteries, ampoules basse consommation et néons, petits appareils "
                "électriques : rapportez-les dans les bacs de collecte des magasins (même "
                "sans achat) ou en déchèterie. Ne les jetez jamais dans vos bacs : ils "
                "peuvent provoquer des incendies dans les camions.",
    },
    "tri_medicaments": {
        "main": "Les médicaments non utilisés, périmés ou non, se rapportent en pharmacie "
                "(sans leur boîte en carton ni la notice, qui vont au tri). Les aiguilles et "
                "seringues (DASRI) se déposent dans une boîte jaune, remise gratuitement en "
                "pharmacie, puis rapportée pleine dans une pharmacie participante. Jamais "
                "dans les bacs.",
    },
    "tri_dechets_dangereux": {
        "main": "Peintures, solvants, huiles, produits de jardinage et autres produits "
                "chimiques vont en déchèterie, au local des déchets dangereux, dans leur "
                "emballage d’origine. Les bouteilles de gaz se rapportent au vendeur et "
                "l’amiante est refusé en déchèterie : il faut passer par une entreprise "
                "spécialisée.",
        "item": "{item_cap} : {destination}. {advice}",
    },
    "pav_localisation": {
        "main": "À {commune}, vous trouverez :\n{points}",
        "none": "Je n’ai pas de point d’apport volontaire enregistré à {commune}. Le plus "
                "proche se trouve sans doute dans une commune voisine : le service vous "
                "renseigne au {phone}.",
    },
    "pav_plein": {
        "main": "Merci de nous prévenir ! Je transmets votre signalement pour que le "
                "conteneur soit vidé. En attendant, merci de ne rien déposer au pied des "
                "colonnes.",
    },
    "decheterie_horaires": {
        "main": "{status}\n{hours}",
        "all": "Nos trois déchèteries, aujourd’hui :\n{statuses}\nDemandez-moi les horaires "
               "d’une déchèterie en particulier pour le détail de la semaine.",
    },
    "decheterie_adresse": {
        "main": "{name} : {address}. Téléphone : {phone}. {status}",
        "nearest": "La déchèterie la plus proche de {commune} est celle de {name} : "
                   "{address}. {status}",
        "all": "Nos déchèteries :\n{lines}",
    },
    "decheterie_acces": {
        "main": "Pour accéder aux déchèteries : {badge}\nVéhicules : {vehicules}\nQuantités : "
                "{quantites}",
    },
    "decheterie_badge": {
        "main": "La carte d’accès aux déchèteries est gratuite, pour les résidents principaux "
                "et secondaires, sur justificatif de domicile de moins de 3 mois. Une carte "
                "perdue est remplacée pour 10 €. Voulez-vous que je transmette votre demande "
                "de carte ? Le service vous demandera le justificatif par e-mail.",
    },
    "decheterie_dechets_acceptes": {
        "main": "En déchèterie, on peut déposer : {accepted}.\nSont refusés : {refused}.",
        "item": "{item_cap} : {verdict}",
    },
    "decheterie_professionnels": {
        "main": "{acces}\nTarifs par m³ : {prices}.",
    },
    "encombrants_collecte": {
        "main": "Les encombrants (meubles, matelas, gros électroménager) sont enlevés "
                "gratuitement à domicile, sur rendez-vous, une fois par trimestre et jusqu’à "
                "3 m³. Vous pouvez aussi les déposer en déchèterie. Voulez-vous prendre "
                "rendez-vous ?",
    },
    "encombrants_rdv": {
        "main": "Je prépare votre demande de rendez-vous pour l’enlèvement des encombrants. "
                "Le service vous proposera une date de passage (sous 3 semaines environ).",
    },
    "dechets_verts": {
        "main": "Tontes, tailles de haie, branches et feuilles se déposent en déchèterie, ou "
                "au composteur pour les petites quantités. Le brûlage est interdit.",
        "round": "À votre adresse, les végétaux sont aussi collectés {rounds}.",
    },
    "sapin_noel": {
        "main": "Après les fêtes, déposez votre sapin naturel (sans pied, sans sac, sans "
                "décorations ni neige artificielle) dans les enclos à sapins installés "
                "jusqu’à fin janvier près des mairies, ou en déchèterie. Il sera broyé en "
                "paillage. Les sapins floqués ou artificiels vont en déchèterie.",
    },
    "gravats": {
        "main": "Gravats, briques, tuiles, béton et carrelage se déposent en déchèterie, "
                "triés, jusqu’à 1 m³ par semaine pour les particuliers. L’amiante et le "
                "fibrociment sont refusés : adressez-vous à une entreprise agréée. Pour de "
                "gros travaux, louez une benne auprès d’un professionnel.",
    },
    "signalement_depot_sauvage": {
        "main": "Merci de votre vigilance ! Je transmets votre signalement de dépôt sauvage "
                "pour qu’il soit enlevé. Ne touchez pas aux déchets s’ils semblent "
                "dangereux.",
    },
    "signalement_autre": {
        "main": "Je transmets votre signalement au service.",
        "menu": "Que souhaitez-vous signaler ?",
    },
    "suivi_demande": {
        "main": "Votre demande {reference} (reçue le {created}) : {status}. {deadline}"
                "{updated}",
        "ask_reference": "Quel est le numéro de votre demande ? Il commence par MDS, par "
                         "exemple MDS-2025-000123. Vous le trouverez dans l’accusé de "
                         "réception.",
        "not_found": "Je ne trouve pas de demande {reference}. Vérifiez le numéro, ou "
                     "parlez à un conseiller.",
    },
    "eau_contact_operateur": {
        "main": "Le service de l’eau est joignable au {water_phone} (du lundi au vendredi, "
                "8 h 30 – 18 h) et pour les urgences, 24 h/24, au {water_emergency}. Votre "
                "espace client en ligne permet de payer, relever et gérer votre contrat.",
    },
    "eau_qualite": {
        "main": "L’eau du robinet est potable et contrôlée très régulièrement par l’Agence "
                "régionale de santé : les résultats sont affichés en mairie. Un léger goût de "
                "chlore est normal ; laissez une carafe ouverte au réfrigérateur quelques "
                "heures pour le faire disparaître. L’eau est assez calcaire sur la côte.",
    },
    "eau_origine": {
        "main": "Notre eau vient de forages dans la nappe de la craie, sur le plateau du "
                "Pays d’Auge, puis elle est traitée en usine avant d’arriver à votre robinet.",
    },
    "eau_prix": {
        "main": "Le prix de l’eau est d’environ 4,60 € TTC le m³, assainissement collectif "
                "compris (abonnement inclus, pour une consommation de 120 m³ par an). Le "
                "détail figure au dos de votre facture.",
    },
    "eau_fuite": {
        "main": "Une fuite d’eau ? Si elle est avant votre compteur ou sur la voie publique, "
                "appelez tout de suite le numéro d’urgence, 24 h/24 : {water_emergency}. Si "
                "elle est chez vous, après le compteur, fermez le robinet d’arrêt et appelez "
                "un plombier. Je peux aussi transmettre un signalement de fuite sur la voie "
                "publique.",
    },
    "eau_coupure": {
        "main": "Pas d’eau ou peu de pression ? Vérifiez d’abord votre robinet d’arrêt et "
                "demandez à vos voisins s’ils sont concernés. Si c’est le cas, appelez le "
                "service de l’eau, 24 h/24, au {water_emergency}. Les coupures pour travaux "
                "sont annoncées en mairie et par avis dans les boîtes aux lettres.",
    },
    "eau_compteur": {
        "main": "Votre compteur est relevé à distance (télérelève) ; vous pouvez aussi "
                "transmettre un index depuis votre espace client. En hiver, protégez-le du "
                "gel avec une plaque isolante (pas de paille ni de laine de verre mouillée). "
                "Pour un compteur abîmé, appelez le {water_phone}.",
    },
    "eau_abonnement": {
        "main": "Pour ouvrir ou fermer un contrat d’eau (emménagement, départ), contactez le "
                "service de l’eau au {water_phone} ou depuis l’espace client, avec la date "
                "et l’index du compteur. Il n’y a pas de frais de résiliation.",
    },
    "eau_facture": {
        "main": "Les factures d’eau sont envoyées deux fois par an. Vous pouvez payer par "
                "prélèvement, mensualiser, payer en ligne ou par chèque. En cas de difficulté "
                "de paiement, appelez le {water_phone} : des délais sont possibles.",
    },
    "assainissement_controle": {
        "main": "Le SPANC contrôle les installations d’assainissement non collectif (fosse "
                "septique, micro-station). Lors de la vente d’une maison, un diagnostic de "
                "moins de 3 ans est obligatoire. Le contrôle coûte 150 € et le rendez-vous "
                "est fixé sous 15 jours environ. Voulez-vous demander un contrôle ?",
    },
    "assainissement_raccordement": {
        "main": "Pour raccorder une maison au tout-à-l’égout, demandez un devis de "
                "branchement au service assainissement au {phone} ; une participation au "
                "financement de l’assainissement collectif (PFAC) est due. Si le réseau "
                "public est bouché ou refoule, je peux transmettre un signalement.",
    },
    "cdc_presentation": {
        "main": "La communauté de communes Cœur Côte Fleurie réunit 12 communes autour de "
                "Deauville et Trouville. Elle gère la collecte et le tri des déchets, les "
                "déchèteries, l’eau potable et l’assainissement, et d’autres compétences "
                "partagées (tourisme, développement économique).",
    },
    "cdc_communes": {
        "main": "La communauté de communes réunit {count} communes : {communes}.",
    },
    "cdc_horaires_accueil": {
        "main": "{status} L’accueil et la ligne téléphonique ({phone}) sont ouverts {hours}. "
                "Pendant les vacances scolaires (zone C), nous ouvrons aussi le samedi "
                "matin, de 9 h à 12 h.",
    },
    "cdc_contact": {
        "main": "Vous pouvez nous joindre au {phone}, par e-mail à {email}, ou à l’accueil : "
                "{address}. Je peux aussi transmettre votre demande directement.",
    },
    "mairie_contact": {
        "main": "Mairie de {commune} : {mairie_address}. Téléphone : {mairie_phone}. "
                "E-mail : {mairie_email}.",
    },
    "hors_competence": {
        "main": "Cette démarche relève de votre mairie, pas de la communauté de communes. "
                "Mairie de {commune} : {mairie_address}, téléphone {mairie_phone}, e-mail "
                "{mairie_email}.",
    },
    "salutation": {
        "main": "Bonjour ! Je suis Sophie, l’assistante virtuelle de Cœur Côte Fleurie. "
                "Voici ce que l’on me demande souvent :",
    },
    "remerciement": {
        "main": "Avec plaisir ! Puis-je vous aider pour autre chose ?",
    },
    "au_revoir": {
        "main": "Au revoir et bonne journée !",
    },
    "qui_es_tu": {
        "main": "Je suis Sophie, une assistante virtuelle : un programme, pas une personne. "
                "Je réponds aux questions sur les déchets, l’eau et l’assainissement, jour et "
                "nuit, et je transmets vos demandes au service. Si vous préférez, je peux "
                "vous mettre en relation avec un conseiller.",
    },
    "parler_conseiller": {
        "main": "Je vous mets en relation avec un conseiller.",
    },
    "reclamation": {
        "main": "Je suis désolée de ce désagrément. Je transmets votre réclamation au "
                "service, qui vous répondra.",
    },
    "donnees_personnelles": {
        "main": "Vos données servent uniquement à traiter vos demandes ; elles sont conservées "
                "3 ans après votre dernier contact. Vous pouvez y accéder, les faire "
                "corriger ou supprimer, et vous désinscrire des messages à tout moment, en "
                "écrivant à {dpo_email}. Les conversations avec moi sont conservées 1 an "
                "pour améliorer mes réponses.",
    },
}

# Contact figures used by several answers (editable as the "_sophie" intent's variants).
FACTS = {
    "phone": "02 31 88 00 00",
    "email": "service.dechets@coeurcotefleurie.example",
    "address": "Maison des Services, 12 rue Robert Fossorier, 14800 Deauville",
    "website": "https://www.coeurcotefleurie.example",
    "water_phone": "09 69 32 35 29",
    "water_emergency": "09 69 32 35 30",
    "dpo_email": "dpo@coeurcotefleurie.example",
}
