//! Word lists the sandbox composes synthetic names from: people, companies, places. Data only.

/// Given names (Latin script; diacritics are folded for user principal names).
#[rustfmt::skip]
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Adele", "Alex", "Allan", "Amara", "Ana", "Anders", "Aniket", "Astrid", "Beatriz", "Ben",
    "Camille", "Carlos", "Chen", "Chloé", "Christie", "Daniel", "Diego", "Dmitri", "Eleni", "Elif",
    "Emily", "Enrico", "Fatima", "Felix", "Fiona", "François", "Grady", "Hana", "Hannah", "Henrik",
    "Ines", "Isaiah", "Isla", "Ivan", "Jakob", "James", "Joni", "José", "Julia", "Kai", "Karin",
    "Kenji", "Laura", "Lee", "Leila", "Lidia", "Liam", "Lucas", "Lynne", "Malik", "Maria", "Mateo",
    "Megan", "Miguel", "Mila", "Miriam", "Nestor", "Nia", "Nikolai", "Noah", "Nora", "Olga", "Omar",
    "Patti", "Pradeep", "Priya", "Rafael", "Raul", "Rhea", "Rosa", "Ruth", "Sakura", "Samir",
    "Sara", "Sebastian", "Siobhán", "Sofia", "Søren", "Tariq", "Thandiwe", "Theo", "Tomás",
    "Valentina", "Victor", "Wei", "Willa", "Xavier", "Yara", "Yusuf", "Zoë", "Łukasz", "Ahmed",
    "Beatrice", "Connor", "Dalia", "Erik", "Gabriela", "Hugo", "Ingrid", "Jonas", "Kofi",
];

/// Family names (Latin script).
#[rustfmt::skip]
pub(crate) const LAST_NAMES: &[&str] = &[
    "Abbott", "Adeyemi", "Almeida", "Andersen", "Bakker", "Banerjee", "Becker", "Bowen", "Brennan",
    "Castillo", "Chowdhury", "Costa", "Dąbrowski", "Da Silva", "Dubois", "Eriksson", "Fernández",
    "Fischer", "Fitzgerald", "García", "Gonzalez", "Grant", "Gupta", "Haddad", "Hansen", "Harris",
    "Hoffmann", "Horvat", "Ibrahim", "Ivanova", "Jansen", "Jensen", "Johansson", "Kaur", "Kim",
    "Kowalski", "Kumar", "Lambert", "Larsen", "Lee", "Lindqvist", "Lopez", "MacDonald", "Mbeki",
    "Meyer", "Moreau", "Müller", "Murphy", "Nakamura", "Nguyen", "Nielsen", "Novak", "O'Brien",
    "Okafor", "Olsen", "Papadopoulos", "Park", "Patel", "Pereira", "Petrov", "Popescu", "Quinn",
    "Ramírez", "Reddy", "Richter", "Rossi", "Russo", "Sánchez", "Santos", "Schmidt", "Schneider",
    "Shah", "Silva", "Singh", "Smith", "Sørensen", "Suzuki", "Svensson", "Tanaka", "Taylor",
    "Thompson", "Torres", "Van Dijk", "Vargas", "Virtanen", "Wagner", "Walsh", "Weber", "Williams",
    "Wilson", "Wong", "Yamamoto", "Yilmaz", "Zhang", "Zimmermann", "Bianchi", "Carvalho", "Doyle",
    "Eze", "Farouk",
];

/// (given name, romanised) for Japanese tenants.
#[rustfmt::skip]
pub(crate) const JP_FIRST_NAMES: &[(&str, &str)] = &[
    ("健太", "kenta"), ("花子", "hanako"), ("大輔", "daisuke"), ("美咲", "misaki"), ("翔", "sho"),
    ("陽菜", "hina"), ("拓海", "takumi"), ("さくら", "sakura"), ("直樹", "naoki"), ("結衣", "yui"),
    ("誠", "makoto"), ("葵", "aoi"), ("悠斗", "yuto"), ("愛", "ai"), ("隆", "takashi"), ("恵美", "emi"),
    ("蓮", "ren"), ("千尋", "chihiro"), ("浩二", "koji"), ("真由美", "mayumi"),
];

/// (family name, romanised) for Japanese tenants.
#[rustfmt::skip]
pub(crate) const JP_LAST_NAMES: &[(&str, &str)] = &[
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"), ("伊藤", "ito"),
    ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"), ("小林", "kobayashi"), ("加藤", "kato"),
    ("吉田", "yoshida"), ("山田", "yamada"), ("佐々木", "sasaki"), ("松本", "matsumoto"), ("井上", "inoue"),
    ("木村", "kimura"), ("林", "hayashi"), ("清水", "shimizu"), ("森", "mori"), ("池田", "ikeda"),
];

/// (given name, romanised) for Arabic-speaking tenants.
#[rustfmt::skip]
pub(crate) const AR_FIRST_NAMES: &[(&str, &str)] = &[
    ("محمد", "mohammed"), ("فاطمة", "fatima"), ("أحمد", "ahmed"), ("نورة", "noura"),
    ("خالد", "khaled"), ("مريم", "maryam"), ("عمر", "omar"), ("ليلى", "layla"), ("يوسف", "yousef"),
    ("سارة", "sara"), ("علي", "ali"), ("هدى", "huda"), ("سلمان", "salman"), ("ريم", "reem"),
    ("طارق", "tariq"), ("لينا", "lina"), ("فيصل", "faisal"), ("دانة", "dana"), ("ماجد", "majed"),
    ("جود", "joud"),
];

/// (family name, romanised) for Arabic-speaking tenants.
#[rustfmt::skip]
pub(crate) const AR_LAST_NAMES: &[(&str, &str)] = &[
    ("العتيبي", "alotaibi"), ("الحربي", "alharbi"), ("القحطاني", "alqahtani"),
    ("الزهراني", "alzahrani"), ("الغامدي", "alghamdi"), ("الشمري", "alshammari"),
    ("المطيري", "almutairi"), ("الدوسري", "aldosari"), ("السبيعي", "alsubaie"),
    ("المالكي", "almalki"), ("العنزي", "alanazi"), ("الشهري", "alshehri"), ("الرشيدي", "alrashidi"),
    ("الخالدي", "alkhalidi"), ("النعيمي", "alnuaimi"), ("الكعبي", "alkaabi"),
    ("المنصوري", "almansoori"), ("البلوشي", "albalushi"), ("الهاشمي", "alhashimi"),
    ("الفارسي", "alfarsi"),
];

/// First words of Latin-script company names.
#[rustfmt::skip]
pub(crate) const COMPANY_STEMS: &[&str] = &[
    "Alder", "Amber", "Anchor", "Apex", "Arbor", "Aspen", "Atlas", "Aurora", "Bayside", "Beacon",
    "Birch", "Bluewater", "Boulder", "Brightline", "Cedar", "Clearwater", "Coastal", "Copper",
    "Crescent", "Crystal", "Eastgate", "Ember", "Evergreen", "Fairview", "Falcon", "Fjord",
    "Granite", "Harbor", "Highland", "Horizon", "Ironwood", "Juniper", "Keystone", "Lakeside",
    "Lantern", "Maple", "Meridian", "Midland", "Moonrise", "Northgate", "Oakridge", "Orchid",
    "Pacific", "Pinnacle", "Prairie", "Quarry", "Redwood", "Ridgeway", "Riverbend", "Sapphire",
    "Silverline", "Skyline", "Summit", "Sunrise", "Tidewater", "Timber", "Valley", "Westbrook",
    "Willow", "Zenith", "Zürich", "Côte d'Azur", "Nordlys", "Østerby",
];

/// Trades of Latin-script company names.
#[rustfmt::skip]
pub(crate) const COMPANY_TRADES: &[&str] = &[
    "Logistics", "Dental Care", "Engineering", "Foods", "Legal", "Architects", "Accounting",
    "Pharma", "Analytics", "Builders", "Consulting", "Robotics", "Textiles", "Brewing", "Media",
    "Clinic", "Insurance", "Realty", "Solar", "Marine", "Aviation", "Freight", "Bakery",
    "Vineyards", "Outfitters", "Labs", "Printing", "Motors", "Energy", "Security", "Telecom",
    "Hospitality", "Travel", "Events", "Learning", "Fitness", "Veterinary", "Optics", "Software",
    "Metals", "Plastics", "Furniture", "Paper", "Recycling", "Dairy", "Nursery", "Studios",
    "Partners",
];

/// Country: (code, legal-form suffixes, cities, culture).
#[rustfmt::skip]
pub(crate) const COUNTRIES: &[(&str, &[&str], &[&str], &str)] = &[
    ( "US", &["Inc.", "LLC", "Corp."], &["Seattle", "Austin", "Denver", "Boston"], "en-US", ), (
    "GB", &["Ltd", "plc"], &["London", "Manchester", "Leeds"], "en-GB", ), ( "DE", &["GmbH", "AG"],
    &["München", "Köln", "Hamburg"], "de-DE", ), ( "FR", &["SAS", "SARL"],
    &["Lyon", "Toulouse", "Nantes"], "fr-FR", ),
    ("NL", &["B.V."], &["Utrecht", "Rotterdam"], "nl-NL"),
    ("SE", &["AB"], &["Göteborg", "Malmö"], "sv-SE"),
    ("DK", &["A/S", "ApS"], &["Aarhus", "Odense"], "da-DK"),
    ("NO", &["AS"], &["Bergen", "Trondheim"], "nb-NO"),
    ("AU", &["Pty Ltd"], &["Brisbane", "Perth"], "en-AU"), ( "CA", &["Inc.", "Ltd."],
    &["Toronto", "Calgary", "Montréal"], "en-CA", ),
    ("IE", &["Ltd", "DAC"], &["Cork", "Galway"], "en-IE"),
    ("ES", &["S.L.", "S.A."], &["Valencia", "Sevilla"], "es-ES"),
    ("IT", &["S.r.l.", "S.p.A."], &["Torino", "Bologna"], "it-IT"),
    ("PL", &["sp. z o.o."], &["Kraków", "Gdańsk"], "pl-PL"),
    ("CH", &["AG", "GmbH"], &["Zürich", "Basel"], "de-CH"),
];

/// (stem, romanised) of Japanese company names: 株式会社 + stem + trade.
#[rustfmt::skip]
pub(crate) const JP_COMPANY_STEMS: &[(&str, &str)] = &[
    ("さくら", "sakura"), ("ひかり", "hikari"), ("みどり", "midori"), ("あおば", "aoba"), ("ふじ", "fuji"),
    ("やまと", "yamato"), ("あさひ", "asahi"), ("こだま", "kodama"), ("北星", "hokusei"), ("東光", "toko"),
];

/// (trade, romanised) of Japanese company names.
#[rustfmt::skip]
pub(crate) const JP_COMPANY_TRADES: &[(&str, &str)] = &[
    ("電機", "denki"), ("物流", "butsuryu"), ("食品", "shokuhin"), ("建設", "kensetsu"), ("商事", "shoji"),
    ("製薬", "seiyaku"), ("印刷", "insatsu"), ("工業", "kogyo"),
];

/// (name part, romanised) of Arabic company names: شركة + stem + trade.
#[rustfmt::skip]
pub(crate) const AR_COMPANY_STEMS: &[(&str, &str)] = &[
    ("الصحراء", "sahraa"), ("النخيل", "nakheel"), ("الخليج", "khaleej"), ("الواحة", "waha"),
    ("الفجر", "fajr"), ("الرمال", "rimal"), ("القمر", "qamar"), ("النور", "noor"),
];

/// (trade, romanised) of Arabic company names.
#[rustfmt::skip]
pub(crate) const AR_COMPANY_TRADES: &[(&str, &str)] = &[
    ("للتجارة", "trading"), ("للمقاولات", "contracting"), ("للاستشارات", "consulting"),
    ("للتقنية", "tech"), ("للخدمات اللوجستية", "logistics"), ("للأغذية", "foods"),
];

/// Appended to a few company names, as some customers do register them.
pub(crate) const EMOJI: &[&str] = &["☕", "🌿", "🚀", "⭐", "🐾", "🍷"];

/// Street names for addresses.
#[rustfmt::skip]
pub(crate) const STREETS: &[&str] = &[
    "Main Street", "Harbour Road", "Station Road", "Market Square", "Church Lane", "Park Avenue",
    "Mill Lane", "King Street", "Bridge Road", "Queen's Way", "High Street", "Lake Drive",
];

/// Country data of Japanese-named tenants.
pub(crate) const JAPAN: (&str, &[&str], &[&str], &str) =
    ("JP", &["K.K."], &["東京", "大阪", "名古屋"], "ja-JP");

/// Country data of Arabic-named tenants.
pub(crate) const SAUDI_ARABIA: (&str, &[&str], &[&str], &str) =
    ("SA", &[""], &["الرياض", "جدة"], "ar-SA");
