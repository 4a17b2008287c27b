"""The words of the synthetic archive: its categories, tags, sources, authors and the phrases
its entries and comments are made of. Places, organisations and people are invented; datelines
are real cities. newsarchive/synthetic.py draws from these."""

# slug, name, parent slug, weight, datelines (empty: the parent's).
CATEGORIES = [
    ("world", "World", None, 2, "LONDON|PARIS|GENEVA|BRUSSELS|NEW YORK"),
    ("middle-east", "Middle East", "world", 6, "BAGHDAD|BEIRUT|CAIRO|AMMAN|JERUSALEM|DUBAI"),
    ("europe", "Europe", "world", 5, "LONDON|PARIS|BERLIN|BRUSSELS|MADRID|ROME|WARSAW"),
    ("asia", "Asia", "world", 5, "TOKYO|BEIJING|SEOUL|NEW DELHI|JAKARTA|MANILA|BANGKOK"),
    ("africa", "Africa", "world", 3, "NAIROBI|LAGOS|JOHANNESBURG|ACCRA|ADDIS ABABA|DAKAR"),
    ("americas", "Americas", "world", 3, "MEXICO CITY|SAO PAULO|BUENOS AIRES|OTTAWA|BOGOTA"),
    ("us", "U.S.", None, 3, "WASHINGTON|NEW YORK|CHICAGO|ATLANTA|DENVER"),
    ("politics", "Politics", "us", 6, "WASHINGTON|DES MOINES|CONCORD|SACRAMENTO"),
    ("elections", "Elections", "politics", 3, ""),
    ("courts", "Courts", "us", 3, "WASHINGTON|SAN FRANCISCO|RICHMOND|NEW ORLEANS"),
    ("business", "Business", None, 4, "NEW YORK|LONDON|TOKYO|FRANKFURT|HONG KONG"),
    ("markets", "Markets", "business", 3, ""),
    ("technology", "Technology", None, 3, "SAN FRANCISCO|SEATTLE|SEOUL|AUSTIN|HELSINKI"),
    ("science", "Science", None, 2, "BOSTON|GENEVA|PASADENA|CAMBRIDGE"),
    ("space", "Space", "science", 2, "CAPE CANAVERAL|HOUSTON|PASADENA|MOSCOW"),
    ("environment", "Environment", "science", 3, "NAIROBI|OSLO|JAKARTA|SYDNEY|BRASILIA"),
    ("health", "Health", None, 4, "ATLANTA|GENEVA|LONDON|BOSTON|NEW DELHI"),
    ("sports", "Sports", None, 2, "CHICAGO|LOS ANGELES|LONDON|MANCHESTER|MELBOURNE"),
    ("soccer", "Soccer", "sports", 3, ""),
    ("olympics", "Olympics", "sports", 2, "ATHENS|BEIJING|LONDON|VANCOUVER|TURIN"),
]
# Per top-level category: who acts, and on what, in titles and bodies.
SUBJECTS = {
    "world": ["foreign ministry", "regional assembly", "border commission", "relief agency"],
    "us": ["city council", "state legislature", "county court", "school board", "transit board"],
    "business": ["port authority", "trade board", "Example Savings Bank", "farmers' cooperative"],
    "technology": ["telecoms regulator", "broadband board", "software cooperative"],
    "science": ["research institute", "observatory", "university laboratory", "geological survey"],
    "health": ["health board", "hospital trust", "clinic network", "public health office"],
    "sports": ["football club", "rowing federation", "marathon committee", "cricket board"],
}
OBJECTS = {
    "world": ["ceasefire plan", "trade corridor", "aid convoy schedule", "visa rules"],
    "us": ["water budget", "bridge repairs", "zoning appeal", "district map", "library hours"],
    "business": ["quarterly results", "export quota", "factory expansion", "merger proposal"],
    "technology": ["network upgrade", "spectrum auction", "privacy rules", "coding school"],
    "science": ["telescope upgrade", "glacier survey", "seed bank", "satellite launch"],
    "health": ["vaccination drive", "clinic opening hours", "ambulance budget", "flu plan"],
    "sports": ["stadium plan", "transfer budget", "season schedule", "youth academy"],
}
VERBS = [
    ("weighs", "weighed"), ("approves", "approved"), ("delays", "delayed"),
    ("rejects", "rejected"), ("debates", "debated"), ("reviews", "reviewed"),
    ("announces", "announced"), ("questions", "questioned"), ("extends", "extended"),
    ("postpones", "postponed"), ("backs", "backed"), ("revisits", "revisited"),
]  # fmt: skip
PLACES = [
    "Riverton", "Lakeshore", "Millbrook", "Eastvale", "Northwick", "Port Example", "Samplesburg",
    "Cedar Hollow", "Fairhaven", "Westmarch", "Brightwater", "Stonebridge", "Oakridge Falls",
    "New Placeholder", "Hollowmere", "Kestrel Bay", "Elmstead", "Dunmoor", "Silverton Flats",
    "Greywick", "Marlow Crossing", "Demoville",
]  # fmt: skip
SENTENCES = [
    "Officials in {place} said a final decision on the {object} could come within weeks.",
    "The {subject} met for several hours before adjourning without a vote.",
    "Residents of {place} have followed the debate over the {object} closely.",
    "A spokesperson for the {subject} said the full figures would be published later.",
    "Critics said the {object} had already been discussed for too long.",
    "Supporters said the changes would take effect early next year.",
    "Figures released on {weekday} showed a change of {pct} percent from a year earlier.",
    "The {subject} last looked at the matter {years} years ago.",
    "Neighbouring {place2} is expected to consider a similar proposal.",
    "Local newspapers in {place} described the mood as cautious.",
    "About {people} people attended a public meeting on the issue.",
    "The next meeting is scheduled for the end of the month.",
    "Analysts at the {place2} Institute, an invented think tank, called the move modest.",
    "Several community groups in {place} asked for more time to respond.",
    "The plan would cost an estimated {cost} thousand dollars over five years.",
    "A similar plan was rejected in {place2} two years ago.",
    "Opponents have until the end of the month to file objections.",
    "The {subject} said it would publish a summary of the comments it received.",
    "Turnout at the hearing was higher than expected, organisers said.",
    "Nobody from the {subject} was available for further comment on {weekday}.",
    "Roadworks and the weather were blamed for a slow start to the session.",
    "The {subject} has {members} members, most of them elected locally.",
    "A petition on the {object} gathered {people} signatures in {place2}.",
    "Earlier drafts of the {object} were posted on the {subject}'s notice board.",
    "Independent auditors are expected to report on the costs before the summer.",
    "Students from a {place} college presented a study of the options.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TAGS = [
    "agriculture", "airlines", "aviation", "banking", "biology", "border security", "bridges",
    "budgets", "bus service", "census", "central banks", "chemistry", "child care", "civil rights",
    "climate", "coal", "coastal erosion", "commodities", "community health", "construction",
    "consumer prices", "copper", "corruption inquiries", "court rulings", "crime", "cricket",
    "currency", "cycling", "cybersecurity", "dams", "defence spending", "diplomacy",
    "disaster relief", "drought", "earthquakes", "economy", "education", "elections",
    "electricity", "emissions", "employment", "energy", "exports", "farming", "ferries", "film",
    "fisheries", "floods", "food safety", "football", "forestry", "fuel prices", "genetics",
    "glaciers", "golf", "grain", "harbours", "health care", "heat waves", "highways", "hospitals",
    "housing", "human rights", "hurricanes", "immigration", "imports", "infection control",
    "inflation", "insurance", "interest rates", "internet", "irrigation", "journalism", "judges",
    "labour unions", "land use", "libraries", "literacy", "local government", "manufacturing",
    "maritime", "marathons", "medicine", "mental health", "migration", "mining", "monsoon",
    "museums", "natural gas", "nuclear energy", "nutrition", "oil", "olympics", "parliament",
    "peace talks", "pensions", "pharmaceuticals", "pipelines", "police", "ports", "poverty",
    "public transport", "rail", "rainfall", "recycling", "refugees", "renewable energy",
    "research", "retail", "road safety", "rowing", "rugby", "satellites", "schools", "shipping",
    "small business", "smartphones", "software", "solar power", "space", "steel", "stock markets",
    "storms", "subsidies", "supreme court", "swimming", "tariffs", "taxes", "telecoms", "tennis",
    "textiles", "tourism", "trade", "trade talks", "traffic", "treaties", "tuition",
    "unemployment", "universities", "urban planning", "vaccines", "voting", "wages", "water",
    "water supply", "weather", "wildfires", "wildlife", "wind power", "wine", "youth sports",
]  # fmt: skip
# name, slug, website, what its reporters are called.
SOURCES = [
    ("Example Wire Service", "example-wire-service", "https://example.com/wire/", "Writer"),
    ("Sample Herald", "sample-herald", "https://example.org/herald/", "Staff Writer"),
    ("Placeholder Press", "placeholder-press", "https://example.net/press/", "Writer"),
    ("Demo Daily Courier", "demo-daily-courier", "https://example.com/courier/", "Correspondent"),
    ("Fictional Times-Gazette", "fictional-times-gazette", "https://example.org/tg/", "Reporter"),
]
# username, first name, last name, how often they post.
AUTHORS = [
    ("archivist", "", "", 6), ("editor-ann", "Ann", "Example", 3),
    ("editor-ben", "Ben", "Placeholder", 2), ("night-desk", "", "", 1),
]  # fmt: skip
FIRST_NAMES = [
    "Alex", "Jo", "Sam", "Robin", "Kim", "Pat", "Lee", "Casey", "Morgan", "Jordan", "Drew",
    "Avery", "Quinn", "Riley", "Jamie", "Dana", "Chris", "Terry", "Sasha", "Toni",
]  # fmt: skip
LAST_NAMES = [
    "Sample", "Placeholder", "Example", "Demo", "Mockford", "Testwell", "Standin", "Specimen",
    "Lorem", "Ipsum", "Dummy", "Fictive", "Madeup", "Draftsworth", "Notreal",
]  # fmt: skip
HANDLES = [
    "night owl", "a reader", "longtime lurker", "anon", "news junkie", "curious", "old hand",
]  # fmt: skip
CREDITS = ["Staff and agencies", "Compiled from wire reports", "From our correspondents"]
COMMENT_OPENERS = [
    "Synthetic comment:", "A synthetic reader writes:", "Synthetic, for the demo:", "(Synthetic)",
]  # fmt: skip
COMMENT_REMARKS = [
    "I live near {place} and the {object} has been argued over for years.",
    "Does anyone know when the {subject} meets again?",
    "Thanks for reposting this.",
    "The figures in the third paragraph look low to me.",
    "The same thing happened in {place2} last spring.",
    "I disagree; the {object} is overdue.",
    "A fair summary of a complicated story.",
    "Is there a link to the original article?",
    "This is the first I have heard of the {object}.",
    "Well put.",
    "My neighbours in {place} will not be pleased.",
    "Let us wait and see what the {subject} actually does.",
]
