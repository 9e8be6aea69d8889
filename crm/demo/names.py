"""Names for demo usagers: common French first and last names (Normandy ones included) and the
kinds of businesses that write to the service on the Côte Fleurie."""

# Weighted toward the generations that live on the coast all year (the territory is older
# than the national average) with younger names for families and second-home owners.
FIRST_NAMES_F = [
    "Monique", "Françoise", "Catherine", "Nathalie", "Isabelle", "Sylvie", "Martine", "Christine",
    "Nicole", "Brigitte", "Chantal", "Annie", "Jacqueline", "Dominique", "Véronique", "Valérie",
    "Sandrine", "Céline", "Stéphanie", "Sophie", "Marie", "Anne", "Claire", "Hélène", "Patricia",
    "Josiane", "Danielle", "Colette", "Odile", "Geneviève", "Évelyne", "Béatrice", "Agnès",
    "Laurence", "Corinne", "Florence", "Caroline", "Virginie", "Aurélie", "Émilie", "Julie",
    "Camille", "Léa", "Manon", "Chloé", "Pauline", "Mathilde", "Charlotte", "Juliette", "Inès",
    "Élise", "Lucie", "Margaux", "Alice", "Solène", "Gisèle", "Yvette", "Jeanine", "Thérèse",
    "Paulette", "Denise", "Mireille", "Marie-Claude", "Anne-Marie", "Marie-France",
]
FIRST_NAMES_M = [
    "Jean", "Michel", "Philippe", "Alain", "Patrick", "Bernard", "Christian", "Daniel", "Gérard",
    "Pierre", "Jacques", "André", "Claude", "Serge", "Jean-Pierre", "Jean-Claude", "Jean-Luc",
    "Didier", "Thierry", "Éric", "Pascal", "Laurent", "Olivier", "Frédéric", "Stéphane",
    "Christophe", "Nicolas", "Sébastien", "Julien", "David", "Guillaume", "Antoine", "Thomas",
    "Maxime", "Alexandre", "Vincent", "François", "Yves", "Marcel", "Roger", "Guy", "Henri",
    "René", "Dominique", "Gilles", "Hervé", "Bruno", "Denis", "Emmanuel", "Xavier", "Benoît",
    "Hugo", "Lucas", "Louis", "Arthur", "Paul", "Romain", "Baptiste", "Théo", "Mathieu",
    "Jean-Marc", "Loïc", "Yannick", "Fabrice", "Régis",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
    "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger",
    "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand", "Dufour",
    "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin",
    "Fernandez", "Renaud", "Arnaud", "Giraud", "Aubert", "Lebrun", "Lemoine", "Lecomte",
    "Leclerc", "Lecoq", "Lemonnier", "Lepetit", "Lesueur", "Letellier", "Lebas", "Lecarpentier",
    "Leconte", "Lehoux", "Hébert", "Hamel", "Hue", "Jouen", "Osmont", "Vautier", "Lelièvre",
    "Lemarchand", "Lesage", "Levesque", "Marguerie", "Féron", "Quesnel", "Anquetil", "Hardy",
    "Hauguel", "Pesquet", "Tostain", "Delaunay", "Desmares", "Gosselin", "Guillot", "Huet",
    "Jeanne", "Laine", "Lange", "Lecanu", "Lefrançois", "Legoupil", "Lemière", "Leneveu",
    "Lerebours", "Marais", "Picard", "Poulain", "Prévost", "Renault", "Ruault", "Savary",
    "Tabourel", "Thouroude", "Varin", "Vasse", "Yvon", "Carpentier", "Cousin", "Deschamps",
    "Bailly", "Hervé", "Charpentier", "Benoît", "Paris", "Caron", "Lacroix", "Collet",
    "Boucher", "Bourgeois", "Julien", "Baron", "Vidal", "Aubry", "Rolland", "Leblanc",
]

# (kind, name templates): the professionals of a seaside territory (redevance incitative).
BUSINESS_KINDS = [
    ("Restaurant", ["Le Galion", "La Marine", "Les Vapeurs", "Le Bistrot du Port", "La Flambée",
                    "Chez {last}", "Le Cap Horn", "La Petite Auberge", "Les Planches",
                    "L’Écailler", "La Cabane à Huîtres", "Le Yacht Club"]),
    ("Brasserie", ["du Casino", "des Planches", "de la Plage", "du Marché", "Le Central"]),
    ("Crêperie", ["La Bigoudène", "Le Blé Noir", "Chez {first}"]),
    ("Camping", ["La Vallée", "Les Falaises", "Le Point du Jour", "Les Ammonites",
                 "La Côte Fleurie", "Le Clos Saint-Gatien", "Les Marronniers"]),
    ("Hôtel", ["Le Trouville", "Les Sablettes", "du Golf", "de la Mer", "Le Flaubert",
               "Les Terrasses", "Le Central"]),
    ("Boulangerie", ["{last}", "du Marché", "de la Gare", "Au Pain d’Antan"]),
    ("Poissonnerie", ["du Port", "{last}", "La Criée"]),
    ("Fromagerie", ["Normande", "du Pays d’Auge", "{last}"]),
    ("Boucherie", ["{last}", "du Centre"]),
    ("Épicerie", ["fine {last}", "du Village", "Bio des Falaises"]),
    ("Fleuriste", ["Les Jardins de {first}", "L’Atelier Floral"]),
    ("Salon de coiffure", ["{first} Coiffure", "L’Instant Beauté"]),
    ("Agence immobilière", ["{last} Immobilier", "Côte Fleurie Immobilier",
                            "Deauville Prestige"]),
    ("Conciergerie", ["Côte Fleurie Conciergerie", "Clés de la Côte", "Bienvenue à la Mer"]),
    ("Syndic", ["{last} Gestion", "Cabinet {last}"]),
    ("Gîte", ["Le Clos des Pommiers", "La Ferme du Mont", "Les Hortensias"]),
    ("Garage", ["{last}", "du Pays d’Auge"]),
    ("Pharmacie", ["de la Plage", "du Centre", "{last}"]),
]
