//! The content contract as data: every key of `site.yaml` and of each kind of
//! content file, its type and its Dutch explanation. Validation, the JSON
//! Schema (`sociale-kaart schema`) and the templates of `sociale-kaart new`
//! all read these tables, so they cannot drift apart.

use serde_json::{Map, Value as Json, json};

/// The lists in `site.yaml` whose ids content files refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocab {
    Themas,
    Gemeenten,
    Kernen,
    Doelgroepen,
    Toegang,
    Aanbieders,
}

impl Vocab {
    /// "bekend thema", "bekende gemeente": the inflection follows the noun.
    pub fn known_label(self) -> &'static str {
        match self {
            Vocab::Themas => "bekend thema",
            Vocab::Gemeenten => "bekende gemeente",
            Vocab::Kernen => "bekende kern (dorp)",
            Vocab::Doelgroepen => "bekende doelgroep",
            Vocab::Toegang => "bekende toegang",
            Vocab::Aanbieders => "bekende aanbieder",
        }
    }

    /// Where the valid ids are defined.
    pub fn source(self) -> &'static str {
        match self {
            Vocab::Aanbieders => "de bestandsnamen in content/aanbieders/",
            Vocab::Themas => "site.yaml onder 'themas'",
            Vocab::Gemeenten => "site.yaml onder 'gemeenten'",
            Vocab::Kernen => "site.yaml onder 'gemeenten' > 'kernen'",
            Vocab::Doelgroepen => "site.yaml onder 'doelgroepen'",
            Vocab::Toegang => "site.yaml onder 'toegang'",
        }
    }
}

#[derive(Debug)]
pub enum Type {
    /// Any text; numbers are read as text.
    Text,
    /// Text of at most this many characters.
    ShortText(usize),
    /// A date written as `2026-05-14`.
    Date,
    /// A time written as `09:00`.
    Time,
    Email,
    /// An absolute `http(s)://` address.
    Url,
    /// A Dutch phone number.
    Phone,
    Integer {
        min: i64,
        max: i64,
    },
    Number {
        min: f64,
        max: f64,
    },
    Bool,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// One or more of a fixed set of words, as one word or a list.
    Choices(&'static [&'static str]),
    /// One id from a vocabulary.
    Id(Vocab),
    /// One or more ids, as one id or a list.
    Ids(Vocab),
    /// One or more texts, as one text or a list.
    Texts,
    List(&'static Type),
    Object(&'static [Field]),
    /// Either a plain text or the given type.
    TextOr(&'static Type),
    /// Either the word or the given type (`kosten: gratis` or `{bedrag, ...}`).
    WordOr(&'static str, &'static Type),
    /// A relative path to a file inside `content/`.
    File,
}

#[derive(Debug)]
pub struct Field {
    pub key: &'static str,
    pub ty: Type,
    pub required: bool,
    /// Dutch, for editors: shown in the JSON Schema and in `new` templates.
    pub doc: &'static str,
}

const fn req(key: &'static str, ty: Type, doc: &'static str) -> Field {
    Field {
        key,
        ty,
        required: true,
        doc,
    }
}

const fn opt(key: &'static str, ty: Type, doc: &'static str) -> Field {
    Field {
        key,
        ty,
        required: false,
        doc,
    }
}

pub const OFFER_SUMMARY_MAX: usize = 200;
pub const PROVIDER_SUMMARY_MAX: usize = 300;

pub const VORMEN: &[&str] = &[
    "groep",
    "individueel",
    "gezin",
    "online",
    "telefonisch",
    "inloop",
];
pub const STATUSSEN: &[&str] = &["actief", "gepland", "gepauzeerd", "gestopt"];

const LAT: Type = Type::Number {
    min: -90.0,
    max: 90.0,
};
const LON: Type = Type::Number {
    min: -180.0,
    max: 180.0,
};

const CONTACT: &[Field] = &[
    opt(
        "naam",
        Type::Text,
        "Naam of functie van de contactpersoon, bijvoorbeeld 'Jeugdconsulent Denekamp'. Zet hier geen naam van een echt persoon zonder toestemming.",
    ),
    opt(
        "rol",
        Type::Text,
        "De rol, bijvoorbeeld 'jeugdconsulent' of 'coördinator'.",
    ),
    opt(
        "telefoon",
        Type::Phone,
        "Telefoonnummer, bijvoorbeeld 0546 000 123.",
    ),
    opt(
        "email",
        Type::Email,
        "E-mailadres, bijvoorbeeld info@voorbeeld.nl.",
    ),
];

const ADRES: &[Field] = &[
    opt("straat", Type::Text, "Straat en huisnummer."),
    opt("postcode", Type::Text, "Postcode, bijvoorbeeld 7591 AB."),
    opt("plaats", Type::Text, "Plaats."),
    opt(
        "lat",
        LAT,
        "Breedtegraad, bijvoorbeeld 52.3771 (voor de kaart).",
    ),
    opt("lon", LON, "Lengtegraad, bijvoorbeeld 7.0043."),
];

const LOCATIE: &[Field] = &[
    req(
        "naam",
        Type::Text,
        "Naam van de plek, bijvoorbeeld 'Kulturhus Denekamp'.",
    ),
    opt("straat", Type::Text, "Straat en huisnummer."),
    opt("postcode", Type::Text, "Postcode."),
    opt("plaats", Type::Text, "Plaats."),
    opt("lat", LAT, "Breedtegraad."),
    opt("lon", LON, "Lengtegraad."),
];

const OPENINGSTIJD: &[Field] = &[
    req(
        "dagen",
        Type::Text,
        "Welke dagen, bijvoorbeeld 'maandag tot en met vrijdag'.",
    ),
    opt("van", Type::Time, "Vanaf hoe laat, bijvoorbeeld 09:00."),
    opt("tot", Type::Time, "Tot hoe laat, bijvoorbeeld 17:00."),
];

const LEEFTIJD: &[Field] = &[
    req(
        "van",
        Type::Integer { min: 0, max: 120 },
        "Vanaf welke leeftijd (in jaren).",
    ),
    req(
        "tot",
        Type::Integer { min: 0, max: 120 },
        "Tot en met welke leeftijd (in jaren).",
    ),
];

const KOSTEN: &[Field] = &[
    opt(
        "bedrag",
        Type::Number {
            min: 0.0,
            max: 100000.0,
        },
        "Bedrag in euro, bijvoorbeeld 25 of 12.50.",
    ),
    opt(
        "per",
        Type::Text,
        "Waarvoor, bijvoorbeeld 'training', 'maand' of 'keer'.",
    ),
    opt(
        "toelichting",
        Type::Text,
        "Uitleg, bijvoorbeeld 'vaak vergoed door de zorgverzekeraar'.",
    ),
];

const AANMELDEN: &[Field] = &[
    opt(
        "tekst",
        Type::Text,
        "Hoe je je aanmeldt, in gewone woorden.",
    ),
    opt(
        "telefoon",
        Type::Phone,
        "Telefoonnummer om je aan te melden.",
    ),
    opt("email", Type::Email, "E-mailadres om je aan te melden."),
    opt("url", Type::Url, "Webadres van een aanmeldformulier."),
    opt(
        "via",
        Type::Id(Vocab::Aanbieders),
        "Als je je aanmeldt via een andere organisatie: de bestandsnaam van die aanbieder, bijvoorbeeld 'schakel'.",
    ),
];

const DATUM: &[Field] = &[
    req("start", Type::Date, "Eerste dag, bijvoorbeeld 2027-02-03."),
    opt("eind", Type::Date, "Laatste dag."),
    opt(
        "aanmelden_voor",
        Type::Date,
        "Uiterste datum om je aan te melden.",
    ),
    opt(
        "omschrijving",
        Type::Text,
        "Bijvoorbeeld 'acht woensdagmiddagen, 14.00 tot 15.30 uur'.",
    ),
];

const ERKENNING: &[Field] = &[
    req(
        "niveau",
        Type::Text,
        "Bijvoorbeeld 'effectief volgens goede aanwijzingen'.",
    ),
    opt(
        "bron",
        Type::Text,
        "Bijvoorbeeld 'Databank Effectieve Jeugdinterventies (NJi)'.",
    ),
    opt("url", Type::Url, "Webadres van de erkenning."),
];

pub const AANBIEDER: &[Field] = &[
    req("naam", Type::Text, "De naam van de organisatie, voluit."),
    req(
        "soort",
        Type::Text,
        "Wat voor organisatie: welzijn, gemeente, zorgaanbieder, onderwijs, gezondheid, vrijwilligers, ...",
    ),
    req(
        "samenvatting",
        Type::ShortText(PROVIDER_SUMMARY_MAX),
        "Een of twee zinnen: wat doet deze organisatie?",
    ),
    req(
        "laatst_gecontroleerd",
        Type::Date,
        "De datum waarop iemand heeft gecontroleerd dat alles klopt, bijvoorbeeld 2026-05-14.",
    ),
    opt(
        "telefoon",
        Type::Phone,
        "Algemeen telefoonnummer, bijvoorbeeld 0546 000 123. Vul telefoon, email of website in (minstens één).",
    ),
    opt("email", Type::Email, "Algemeen e-mailadres."),
    opt("website", Type::Url, "Website, beginnend met https://."),
    opt("adres", Type::Object(ADRES), "Bezoekadres."),
    opt(
        "gemeenten",
        Type::Ids(Vocab::Gemeenten),
        "In welke gemeenten deze organisatie werkt (ids uit site.yaml).",
    ),
    opt(
        "openingstijden",
        Type::TextOr(&Type::List(&Type::Object(OPENINGSTIJD))),
        "Openingstijden: een tekst, of een lijst met dagen, van en tot.",
    ),
    opt(
        "contactpersonen",
        Type::List(&Type::Object(CONTACT)),
        "Contactpersonen voor professionals (de 'wie is wie').",
    ),
    opt(
        "logo",
        Type::File,
        "Logo: pad naar een afbeelding in de map content/, bijvoorbeeld logos/swtd.svg.",
    ),
    opt(
        "eigenaar",
        Type::Text,
        "Wie deze gegevens bijhoudt, bijvoorbeeld een functie en e-mailadres.",
    ),
];

pub const AANBOD: &[Field] = &[
    req(
        "titel",
        Type::Text,
        "De naam die ouders kennen, voluit geschreven.",
    ),
    req(
        "aanbieder",
        Type::Ids(Vocab::Aanbieders),
        "De bestandsnaam van de aanbieder (zonder .md), of een lijst bij samenwerking.",
    ),
    req(
        "samenvatting",
        Type::ShortText(OFFER_SUMMARY_MAX),
        "Eén zin van hoogstens 200 tekens; staat in lijsten en zoekresultaten.",
    ),
    req(
        "themas",
        Type::Ids(Vocab::Themas),
        "Een of meer thema's (ids uit site.yaml).",
    ),
    req(
        "doelgroep",
        Type::Ids(Vocab::Doelgroepen),
        "Voor wie: een of meer doelgroepen (ids uit site.yaml).",
    ),
    req(
        "gemeenten",
        Type::Ids(Vocab::Gemeenten),
        "In welke gemeenten het aanbod er is (ids uit site.yaml).",
    ),
    req(
        "toegang",
        Type::Id(Vocab::Toegang),
        "Hoe je erin komt: één toegang-id uit site.yaml, bijvoorbeeld 'vrij'.",
    ),
    req(
        "laatst_gecontroleerd",
        Type::Date,
        "De datum waarop iemand heeft gecontroleerd dat alles klopt, bijvoorbeeld 2026-05-14.",
    ),
    opt(
        "leeftijd",
        Type::Object(LEEFTIJD),
        "Voor welke leeftijd: van en tot (in jaren, tot en met).",
    ),
    opt(
        "kernen",
        Type::Ids(Vocab::Kernen),
        "Alleen als het aanbod maar in sommige dorpen is: de kernen (ids uit site.yaml).",
    ),
    opt(
        "vorm",
        Type::Choices(VORMEN),
        "Vorm: groep, individueel, gezin, online, telefonisch of inloop.",
    ),
    opt(
        "kosten",
        Type::WordOr("gratis", &Type::Object(KOSTEN)),
        "'gratis', of bedrag, per en toelichting.",
    ),
    opt(
        "aanmelden",
        Type::TextOr(&Type::Object(AANMELDEN)),
        "Hoe je je aanmeldt: een tekst, of tekst, telefoon, email, url en via.",
    ),
    opt(
        "contact",
        Type::Object(CONTACT),
        "Contact voor dit aanbod: naam, rol, telefoon, email.",
    ),
    opt(
        "locaties",
        Type::List(&Type::Object(LOCATIE)),
        "Waar het is: een lijst met naam, straat, postcode, plaats, lat en lon.",
    ),
    opt(
        "data",
        Type::List(&Type::Object(DATUM)),
        "Data van trainingen of groepen: start, eind, aanmelden_voor, omschrijving.",
    ),
    opt(
        "erkenning",
        Type::Object(ERKENNING),
        "Erkenning, bijvoorbeeld door de databank van het NJi: niveau, bron, url.",
    ),
    opt(
        "trefwoorden",
        Type::Texts,
        "Woorden waarop ouders zoeken die niet in de tekst staan.",
    ),
    opt("talen", Type::Texts, "In welke talen het aanbod er is."),
    opt(
        "status",
        Type::Choice(STATUSSEN),
        "actief (standaard), gepland, gepauzeerd of gestopt. Gestopt aanbod wordt niet gepubliceerd.",
    ),
    opt("eigenaar", Type::Text, "Wie deze gegevens bijhoudt."),
];

pub const PAGINA: &[Field] = &[
    req("titel", Type::Text, "De titel van de pagina."),
    opt(
        "samenvatting",
        Type::ShortText(OFFER_SUMMARY_MAX),
        "Korte beschrijving voor zoekmachines en het menu.",
    ),
    opt(
        "volgorde",
        Type::Integer {
            min: -1000,
            max: 1000,
        },
        "Plaats in het menu onderaan: lager staat eerder.",
    ),
];

const KERN: &[Field] = &[
    req(
        "id",
        Type::Text,
        "Korte id voor het webadres, bijvoorbeeld 'denekamp'.",
    ),
    req("naam", Type::Text, "Naam van de kern (het dorp)."),
    opt("lat", LAT, "Breedtegraad."),
    opt("lon", LON, "Lengtegraad."),
];

const GEMEENTE: &[Field] = &[
    req(
        "id",
        Type::Text,
        "Korte id voor het webadres, bijvoorbeeld 'dinkelland'.",
    ),
    req("naam", Type::Text, "Naam van de gemeente."),
    opt(
        "kernen",
        Type::List(&Type::Object(KERN)),
        "De kernen (dorpen) van de gemeente.",
    ),
];

const THEMA: &[Field] = &[
    req(
        "id",
        Type::Text,
        "Korte id voor het webadres, bijvoorbeeld 'scheiding'.",
    ),
    req("naam", Type::Text, "Naam van het thema."),
    opt("omschrijving", Type::Text, "Eén zin over het thema."),
    opt(
        "synoniemen",
        Type::Texts,
        "Woorden die ouders gebruiken voor dit thema; zoeken vindt het thema ook daarop.",
    ),
    opt("verwant", Type::Texts, "Ids van verwante thema's."),
];

const ID_NAAM: &[Field] = &[
    req("id", Type::Text, "Korte id."),
    req("naam", Type::Text, "Naam."),
];

const LEEFTIJDSGROEP: &[Field] = &[
    req(
        "id",
        Type::Text,
        "Korte id voor het webadres, bijvoorbeeld '4-12'.",
    ),
    req("naam", Type::Text, "Naam, bijvoorbeeld 'basisschoolkind'."),
    req("van", Type::Integer { min: 0, max: 120 }, "Vanaf leeftijd."),
    req(
        "tot",
        Type::Integer { min: 0, max: 120 },
        "Tot en met leeftijd.",
    ),
];

const TOEGANG: &[Field] = &[
    req("id", Type::Text, "Korte id, bijvoorbeeld 'vrij'."),
    req(
        "naam",
        Type::Text,
        "Naam, bijvoorbeeld 'Vrij toegankelijk'.",
    ),
    opt(
        "uitleg",
        Type::Text,
        "In gewone woorden: hoe kom je erin? Bijvoorbeeld 'Je kunt je zelf aanmelden'.",
    ),
];

const ORGANISATIE: &[Field] = &[
    req("naam", Type::Text, "Wie de sociale kaart uitgeeft."),
    opt("website", Type::Url, "Website van de uitgever."),
];

const CONTROLE: &[Field] = &[opt(
    "max_dagen",
    Type::Integer { min: 1, max: 3650 },
    "Na hoeveel dagen een item als verouderd geldt (standaard 365).",
)];

pub const SITE: &[Field] = &[
    req("titel", Type::Text, "Naam van de site."),
    opt(
        "omschrijving",
        Type::Text,
        "Eén of twee zinnen over de site.",
    ),
    req(
        "basis_url",
        Type::Url,
        "Het webadres waar de site komt te staan, bijvoorbeeld https://socialekaart.gemeente.nl.",
    ),
    opt("taal", Type::Text, "Taal van de site (standaard nl)."),
    opt(
        "thema",
        Type::Text,
        "Welke map onder themes/ de site opmaakt (standaard 'default').",
    ),
    opt(
        "voorbeeldinhoud",
        Type::Bool,
        "true als de site voorbeeldinhoud bevat; de site toont dat dan bovenaan.",
    ),
    opt(
        "organisatie",
        Type::Object(ORGANISATIE),
        "De uitgever van de site.",
    ),
    req(
        "gemeenten",
        Type::List(&Type::Object(GEMEENTE)),
        "De gemeenten en hun kernen.",
    ),
    req("themas", Type::List(&Type::Object(THEMA)), "De thema's."),
    req(
        "doelgroepen",
        Type::List(&Type::Object(ID_NAAM)),
        "De doelgroepen.",
    ),
    req(
        "leeftijdsgroepen",
        Type::List(&Type::Object(LEEFTIJDSGROEP)),
        "De leeftijdsgroepen.",
    ),
    req(
        "toegang",
        Type::List(&Type::Object(TOEGANG)),
        "De toegangsroutes, van laagdrempelig naar zwaar.",
    ),
    opt(
        "controle",
        Type::Object(CONTROLE),
        "Instellingen voor het actueel houden.",
    ),
];

/// The JSON Schema (draft 2020-12) of one kind of front matter, so that an
/// editor's text editor can complete keys and underline mistakes.
pub fn json_schema(title: &str, fields: &'static [Field]) -> Json {
    let mut schema = object_schema(fields);
    let map = schema.as_object_mut().expect("object schema");
    map.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    map.insert("title".into(), json!(title));
    schema
}

/// All schemas, keyed by what they describe.
pub fn json_schemas() -> Json {
    json!({
        "site.yaml": json_schema("site.yaml", SITE),
        "aanbieder": json_schema("Aanbieder (content/aanbieders/*.md)", AANBIEDER),
        "aanbod": json_schema("Aanbod (content/aanbod/*.md)", AANBOD),
        "pagina": json_schema("Pagina (content/paginas/*.md)", PAGINA),
    })
}

fn object_schema(fields: &'static [Field]) -> Json {
    let mut properties = Map::new();
    for field in fields {
        let mut schema = type_schema(&field.ty);
        if let Some(map) = schema.as_object_mut() {
            map.insert("description".into(), json!(field.doc));
        }
        properties.insert(field.key.into(), schema);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn one_or_many(item: Json) -> Json {
    json!({ "anyOf": [item.clone(), { "type": "array", "items": item, "minItems": 1 }] })
}

fn type_schema(ty: &Type) -> Json {
    match ty {
        Type::Text => json!({ "type": ["string", "number"] }),
        Type::ShortText(max) => json!({ "type": "string", "maxLength": max }),
        Type::Date => {
            json!({ "type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$" })
        }
        Type::Time => json!({ "type": "string", "pattern": "^\\d{1,2}[:.]\\d{2}$" }),
        Type::Email => json!({ "type": "string", "format": "email" }),
        Type::Url => json!({ "type": "string", "format": "uri", "pattern": "^https?://" }),
        Type::Phone => json!({ "type": ["string", "number"], "pattern": "^[+0-9][0-9 ()-]{4,}$" }),
        Type::Integer { min, max } => json!({ "type": "integer", "minimum": min, "maximum": max }),
        Type::Number { min, max } => json!({ "type": "number", "minimum": min, "maximum": max }),
        Type::Bool => json!({ "type": "boolean" }),
        Type::Choice(words) => json!({ "enum": words }),
        Type::Choices(words) => one_or_many(json!({ "enum": words })),
        Type::Id(_) => json!({ "type": "string", "pattern": "^[a-z0-9-]+$" }),
        Type::Ids(_) => one_or_many(json!({ "type": "string", "pattern": "^[a-z0-9-]+$" })),
        Type::Texts => one_or_many(json!({ "type": "string" })),
        Type::List(item) => json!({ "type": "array", "items": type_schema(item) }),
        Type::Object(fields) => object_schema(fields),
        Type::TextOr(other) => json!({ "anyOf": [{ "type": "string" }, type_schema(other)] }),
        Type::WordOr(word, other) => json!({ "anyOf": [{ "const": word }, type_schema(other)] }),
        Type::File => json!({ "type": "string", "pattern": "^[A-Za-z0-9_./-]+$" }),
    }
}
