"""Hand-written word lists of the demo data, per locale.

Faker supplies people and places; what it lacks (a product range, activity subjects, real UK
towns with their postcode areas, number prefixes a German or British office would use) is here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductKind:
    """A family of products: name stem, unit, price range and whether it sells in half units."""

    stem: str
    unit: str
    low: float
    high: float
    fractional: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Vocabulary:
    faker_locale: str
    country: str
    phone_prefix: str
    area_codes: tuple[str, ...]
    tlds: tuple[str, ...]
    legal_forms: tuple[str, ...]
    branches: tuple[str, ...]
    product_kinds: tuple[ProductKind, ...]
    product_variants: tuple[str, ...]
    contact_prefix: str
    product_prefix: str
    order_prefixes: dict[str, str]
    subjects: dict[str, tuple[str, ...]]
    notes: tuple[str, ...]
    registration_number: str
    # Real places for locales whose Faker cities are invented: (town, postcode area).
    towns: tuple[tuple[str, str], ...] = ()


GERMAN = Vocabulary(
    faker_locale="de_DE",
    country="Deutschland",
    phone_prefix="+49",
    area_codes=("30", "40", "89", "221", "69", "711", "211", "351", "341", "511", "421", "911", "228"),
    tlds=("de", "de", "de", "com", "eu"),
    legal_forms=("GmbH", "GmbH", "GmbH & Co. KG", "AG", "KG", "OHG", "e.K.", "UG (haftungsbeschränkt)"),
    branches=(
        "Bau",
        "Elektrotechnik",
        "Logistik",
        "Software",
        "Metallbau",
        "Consulting",
        "Druck",
        "Haustechnik",
        "Maschinenbau",
        "Gartenbau",
        "Immobilien",
        "Steuerberatung",
        "Medien",
        "Handel",
        "Automation",
        "Möbel",
        "Reinigung",
        "Sanitär",
        "Verpackung",
        "Spedition",
    ),
    product_kinds=(
        ProductKind(stem="Sechskantschraube M8", unit="Stk.", low=0.05, high=0.9),
        ProductKind(stem="Dübel 8 mm", unit="Pkt.", low=2.5, high=9.0),
        ProductKind(stem="Installationskabel NYM-J 3x1,5", unit="m", low=0.6, high=2.5, fractional=True),
        ProductKind(stem="Steckdose Unterputz", unit="Stk.", low=3.0, high=25.0),
        ProductKind(stem="Bürostuhl", unit="Stk.", low=89.0, high=890.0),
        ProductKind(stem="Schreibtisch", unit="Stk.", low=149.0, high=1290.0),
        ProductKind(stem="Monitor 27 Zoll", unit="Stk.", low=139.0, high=790.0),
        ProductKind(stem="Tastatur", unit="Stk.", low=15.0, high=149.0),
        ProductKind(stem="Kopierpapier A4", unit="Karton", low=19.0, high=45.0),
        ProductKind(stem="Tonerkartusche", unit="Stk.", low=29.0, high=189.0),
        ProductKind(stem="Beratung", unit="Std.", low=85.0, high=160.0, fractional=True),
        ProductKind(stem="Wartungsvertrag", unit="Monat", low=49.0, high=490.0),
        ProductKind(stem="Montage", unit="Std.", low=55.0, high=95.0, fractional=True),
        ProductKind(stem="Schulung", unit="Tag", low=690.0, high=1490.0),
        ProductKind(stem="Kupferrohr 15 mm", unit="m", low=4.0, high=12.0, fractional=True),
        ProductKind(stem="Holzschutzlasur", unit="l", low=9.0, high=39.0, fractional=True),
        ProductKind(stem="Spanplatte 19 mm", unit="m²", low=8.0, high=29.0, fractional=True),
        ProductKind(stem="Softwarelizenz", unit="Stk.", low=99.0, high=2490.0),
    ),
    product_variants=(
        "Standard",
        "Premium",
        "Eco",
        "Profi",
        "Kompakt",
        "XL",
        "verzinkt",
        "schwarz",
        "weiß",
        "Edelstahl",
        "Basic",
        "Plus",
    ),
    contact_prefix="K",
    product_prefix="ART",
    order_prefixes={"quote": "AN", "order": "AB", "invoice": "RE"},
    subjects={
        "call": ("Rückruf wegen Angebot", "Telefonat zur Lieferung", "Nachfrage Zahlung", "Terminabstimmung"),
        "meeting": ("Produktvorstellung", "Jahresgespräch", "Projektbesprechung", "Besuch vor Ort"),
        "task": ("Angebot erstellen", "Unterlagen zusenden", "Reklamation prüfen", "Vertrag verlängern"),
        "email": ("Preisliste gesendet", "Auftragsbestätigung", "Rückfrage zur Rechnung", "Newsletter"),
    },
    notes=(
        "",
        "",
        "",
        "Kunde bevorzugt Kontakt per E-Mail.",
        "Zahlt zuverlässig.",
        "Ansprechpartner ist nur vormittags erreichbar.",
        "Rahmenvertrag bis Jahresende.",
        "Lieferung nur nach Absprache.",
    ),
    registration_number="HRB {n}",
)

ENGLISH = Vocabulary(
    faker_locale="en_GB",
    country="United Kingdom",
    phone_prefix="+44",
    area_codes=("20", "121", "161", "113", "117", "131", "141", "151", "191", "114", "115", "1223"),
    tlds=("co.uk", "co.uk", "com", "uk", "org.uk"),
    legal_forms=("Ltd", "Ltd", "Ltd", "LLP", "plc", "& Sons", "Group Ltd"),
    branches=(
        "Building",
        "Electrical",
        "Logistics",
        "Software",
        "Engineering",
        "Consulting",
        "Print",
        "Plumbing",
        "Joinery",
        "Landscaping",
        "Property",
        "Accountants",
        "Media",
        "Trading",
        "Automation",
        "Furniture",
        "Cleaning",
        "Heating",
        "Packaging",
        "Haulage",
    ),
    product_kinds=(
        ProductKind(stem="Hex bolt M8", unit="pcs", low=0.05, high=0.9),
        ProductKind(stem="Wall plug 8 mm", unit="pack", low=2.0, high=8.0),
        ProductKind(stem="Twin and earth cable 2.5 mm²", unit="m", low=0.6, high=2.5, fractional=True),
        ProductKind(stem="Double socket", unit="pcs", low=3.0, high=25.0),
        ProductKind(stem="Office chair", unit="pcs", low=79.0, high=790.0),
        ProductKind(stem="Desk", unit="pcs", low=129.0, high=1190.0),
        ProductKind(stem="27-inch monitor", unit="pcs", low=129.0, high=690.0),
        ProductKind(stem="Keyboard", unit="pcs", low=12.0, high=129.0),
        ProductKind(stem="Copier paper A4", unit="box", low=17.0, high=39.0),
        ProductKind(stem="Toner cartridge", unit="pcs", low=25.0, high=169.0),
        ProductKind(stem="Consulting", unit="h", low=75.0, high=150.0, fractional=True),
        ProductKind(stem="Maintenance plan", unit="month", low=45.0, high=450.0),
        ProductKind(stem="Installation", unit="h", low=45.0, high=85.0, fractional=True),
        ProductKind(stem="Training", unit="day", low=590.0, high=1290.0),
        ProductKind(stem="Copper pipe 15 mm", unit="m", low=3.5, high=11.0, fractional=True),
        ProductKind(stem="Wood stain", unit="l", low=8.0, high=35.0, fractional=True),
        ProductKind(stem="Chipboard 18 mm", unit="m²", low=7.0, high=26.0, fractional=True),
        ProductKind(stem="Software licence", unit="pcs", low=89.0, high=2190.0),
    ),
    product_variants=(
        "Standard",
        "Premium",
        "Eco",
        "Pro",
        "Compact",
        "XL",
        "galvanised",
        "black",
        "white",
        "stainless",
        "Basic",
        "Plus",
    ),
    contact_prefix="C",
    product_prefix="SKU",
    order_prefixes={"quote": "QU", "order": "SO", "invoice": "INV"},
    subjects={
        "call": ("Call back about quote", "Call about delivery", "Payment reminder call", "Arrange a visit"),
        "meeting": ("Product demo", "Annual review", "Project meeting", "Site visit"),
        "task": ("Prepare quote", "Send documents", "Check complaint", "Renew contract"),
        "email": ("Price list sent", "Order confirmation", "Question about invoice", "Newsletter"),
    },
    notes=(
        "",
        "",
        "",
        "Prefers to be contacted by e-mail.",
        "Pays reliably.",
        "Contact is only available in the mornings.",
        "Framework agreement until year end.",
        "Deliveries by appointment only.",
    ),
    registration_number="Company No. {n:08d}",
    towns=(
        ("London", "SW"),
        ("London", "N"),
        ("London", "E"),
        ("Manchester", "M"),
        ("Birmingham", "B"),
        ("Leeds", "LS"),
        ("Bristol", "BS"),
        ("Edinburgh", "EH"),
        ("Glasgow", "G"),
        ("Liverpool", "L"),
        ("Newcastle upon Tyne", "NE"),
        ("Sheffield", "S"),
        ("Nottingham", "NG"),
        ("Cambridge", "CB"),
        ("Oxford", "OX"),
        ("Cardiff", "CF"),
        ("Leicester", "LE"),
        ("Southampton", "SO"),
        ("Brighton", "BN"),
        ("York", "YO"),
        ("Norwich", "NR"),
        ("Exeter", "EX"),
        ("Reading", "RG"),
        ("Coventry", "CV"),
        ("Aberdeen", "AB"),
        ("Belfast", "BT"),
        ("Plymouth", "PL"),
        ("Bath", "BA"),
    ),
)

VOCABULARIES = {"de": GERMAN, "en": ENGLISH}
