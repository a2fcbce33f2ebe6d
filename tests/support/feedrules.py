"""The W3C Feed Validation Service's rules, for feeds of the kind this blog publishes.

    problems(path_or_bytes, url=None) -> ["<file>: ERROR|WARNING: <Class> (<message>): <detail>", ...]

The service (validator.w3.org/feed) cannot be reached from here, so this module
re-states, in its own code, the rules of the service's software (the public
``feedvalidator`` project, ``src/feedvalidator/``) that can apply to RSS 2.0 and
Atom 1.0 feeds and their RFC 5005 archives. Every finding names the message class
the service would log (``logging.py``), its English text (``i18n/en.py``) and
whether the service counts it as an error or a warning. The service's ``Info``
messages (MissingEncoding, MissingDCLanguage, NonstdPrefix...) do not stop a feed
from being valid and are not reported. Each rule's comment names the class it
mirrors.

``url`` is the address the feed is published at (what the service would fetch);
with it, the ``rel="self"`` link must match it. Without it, the self link is taken
as the document's location.

Scope: HTML carried as text is parsed as the service parses it, with html5lib in
strict mode (``HTMLParser(strict=True).parseFragment``); its first parse error is
NotHtml "Invalid HTML", with html5lib's own message. Language codes come from Babel's CLDR
data (ISO 639-1 and 639-2). HTTP-level messages (media type, charset header, redirects,
compression) and podcast/media/KML/OPML vocabularies are out of scope.
"""

import codecs
import datetime
import email.utils
import functools
import html.entities
import re
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
import lxml.etree
from html5lib.html5parser import ParseError

ERROR, WARNING = "ERROR", "WARNING"

ATOM = "http://www.w3.org/2005/Atom"
FH = "http://purl.org/syndication/history/1.0"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
RSSBOARD_DOCS = "http://www.rssboard.org/rss-specification"

# Message class -> (level the service gives it, the service's English text).
MESSAGES = {
    # well-formedness and encoding
    "SAXError": (ERROR, "XML parsing error"),
    "UndefinedNamedEntity": (ERROR, "Undefined named entity"),
    "MissingNamespace": (ERROR, "Missing namespace for element"),
    "UnicodeError": (ERROR, "encoding error (maybe a high-bit character?)"),
    "UnknownEncoding": (ERROR, "Unknown XML character encoding"),
    "ObscureEncoding": (WARNING, "Obscure XML character encoding"),
    "BadXmlVersion": (ERROR, "Incorrect XML Version"),
    "BadCharacters": (WARNING, "element contains bad characters"),
    "UnexpectedText": (ERROR, "Unexpected Text"),
    "UnexpectedWhitespace": (ERROR, "Whitespace not permitted here"),
    # vocabulary
    "InvalidNamespace": (ERROR, "element is in an invalid namespace"),
    "ObsoleteNamespace": (ERROR, "This feed uses an obsolete namespace"),
    "UndefinedElement": (ERROR, "Undefined element"),
    "UndeterminableVocabulary": (WARNING, "Missing namespace for element"),
    "UnexpectedAttribute": (ERROR, "Unexpected attribute on element"),
    "UseOfExtensionAttr": (WARNING, "Use of extension attribute on RSS 2.0 core element"),
    "MissingAttribute": (ERROR, "Missing element attribute"),
    "MissingElement": (ERROR, "Missing element"),
    "MissingTitle": (ERROR, "Missing channel element: title"),
    "MissingLink": (ERROR, "Missing channel element: link"),
    "MissingDescription": (ERROR, "Missing channel element: description"),
    "DuplicateElement": (ERROR, "parent contains more than one element"),
    "InvalidRSSVersion": (ERROR, "Invalid RSS Version"),
    "ReservedPrefix": (WARNING, "The prefix generally is associated with another namespace"),
    "UnknownNamespace": (WARNING, "Use of unknown namespace"),
    "AvoidNamespacePrefix": (WARNING, "Avoid Namespace Prefix"),
    "NotBlank": (WARNING, "element should not be blank"),
    "AttrNotBlank": (WARNING, "attribute should not be blank"),
    # URIs and links
    "InvalidLink": (ERROR, "element must be a valid URI"),
    "InvalidFullLink": (ERROR, "element must be a full and valid URL"),
    "InvalidIRI": (ERROR, "element must be a valid IRI"),
    "InvalidUriChar": (ERROR, "Invalid character in a URI"),
    "UriNotIri": (ERROR, "IRI found where URL expected"),
    "InvalidURIAttribute": (ERROR, "attribute must be a valid URI"),
    "InvalidURLAttribute": (ERROR, "element must be a full URL"),
    "InvalidTAG": (ERROR, "element is not a valid TAG"),
    "InvalidURN": (ERROR, "element is not a valid URN"),
    "InvalidUUID": (ERROR, "element is not a valid UUID"),
    "SchemeNotIANARegistered": (WARNING, "URI scheme not IANA registered"),
    "NonCanonicalURI": (WARNING, "Identifier is not in canonical form"),
    "MissingAtomSelfLink": (WARNING, 'Missing atom:link with rel="self"'),
    "MissingSelf": (WARNING, 'Missing atom:link with rel="self"'),
    "SelfDoesntMatchLocation": (WARNING, "Self reference doesn't match document location"),
    "RelativeSelf": (WARNING, "Relative href value on self link"),
    "SelfNotAtom": (WARNING, '"self" link references a non-Atom representation'),
    "MissingHref": (ERROR, "element must have an href attribute"),
    "AtomLinkNotEmpty": (WARNING, "element should not have text (all data is in attributes)"),
    "UnregisteredAtomLinkRel": (WARNING, "Unregistered link relationship"),
    "DuplicateAtomLink": (ERROR, "Duplicate alternate links with the same type and hreflang"),
    "InvalidMIMEType": (ERROR, "Not a valid MIME type"),
    # values
    "InvalidRFC2822Date": (ERROR, "element must be an RFC-822 date-time"),
    "IncorrectDOW": (ERROR, "Incorrect day of week"),
    "ProblematicalRFC822Date": (WARNING, "Problematical RFC 822 date-time value"),
    "InvalidRFC3339Date": (ERROR, "element must be an RFC-3339 date-time"),
    "InvalidW3CDTFDate": (ERROR, "element must be an W3CDTF date"),
    "ImplausibleDate": (WARNING, "Implausible date"),
    "InvalidLanguage": (ERROR, "element must be an ISO-639 language code"),
    "InvalidBooleanAttribute": (ERROR, "attribute must be 'true' or 'false'"),
    "InvalidContact": (ERROR, "Invalid email address"),
    "InvalidAddrSpec": (ERROR, "element must be an email address"),
    "EmailFormat": (WARNING, "Email address is not in the recommended format"),
    "MissingRealName": (WARNING, "Email address is missing real name"),
    "ContainsEmail": (WARNING, "element should not include email address"),
    "InvalidIntegerAttribute": (ERROR, "attribute must be a positive integer"),
    "InvalidNonNegativeInteger": (ERROR, "element must be a non-negative integer"),
    "InvalidPositiveInteger": (ERROR, "element must be a positive integer"),
    "InvalidMIMEAttribute": (ERROR, "attribute must be a valid MIME type"),
    "UseZeroForUnknown": (ERROR, "Use zero for unknown length"),
    # RSS 2.0
    "ItemMustContainTitleOrDescription": (ERROR, "item must contain either title or description"),
    "MissingGuid": (WARNING, "item should contain a guid element"),
    "InvalidHttpGUID": (ERROR, "guid must be a full URL, unless isPermaLink attribute is false"),
    "InvalidPermalink": (ERROR, "guid must be a full URL, unless isPermaLink attribute is false"),
    "NotSufficientlyUnique": (WARNING, "The specified guid is not sufficiently unique"),
    "DuplicateValue": (ERROR, "values must not be duplicated within a feed"),
    "DuplicateEnclosure": (WARNING, "item contains more than one enclosure"),
    "DuplicateSemantics": (WARNING, "A channel should not include both"),
    "DuplicateItemSemantics": (WARNING, "An item should not include both"),
    "DuplicateDescriptionSemantics": (WARNING, "Avoid element"),
    "NeedDescriptionBeforeContent": (WARNING, "Ensure description precedes content:encoded"),
    "MisplacedItem": (WARNING, "Misplaced Item"),
    "ContainsHTML": (WARNING, "element should not contain HTML"),
    "CharacterData": (WARNING, 'Encode "&" and "<" in plain text using hexadecimal character references.'),
    # Atom 1.0
    "MisplacedMetadata": (ERROR, "element must appear before all entries"),
    "DuplicateEntries": (WARNING, "Two entries with the same id"),
    "DuplicateIds": (ERROR, "All entries have the same id"),
    "DuplicateUpdated": (WARNING, "Two entries with the same value for atom:updated"),
    "MissingTextualContent": (WARNING, "Missing textual content"),
    "MissingContentOrAlternate": (ERROR, "Missing content or alternate link"),
    "MissingSummary": (ERROR, "Missing summary"),
    "MissingTypeAttr": (WARNING, "Missing element attribute: type"),
    "InvalidTextType": (ERROR, 'type attribute must be "text", "html", or "xhtml"'),
    "ContainsUndeclaredHTML": (WARNING, "element should not contain HTML unless declared in the type attribute"),
    "NotInline": (WARNING, "element claims to be inline, but may contain html"),
    "NotBase64": (ERROR, "element claims to be base64-encoded, but isn't"),
    "MissingXhtmlDiv": (ERROR, "Missing xhtml:div element"),
    "HtmlFragment": (WARNING, "type used for a document fragment"),
    # HTML content
    "NotHtml": (WARNING, "Invalid HTML / Non-html tag"),
    "SecurityRisk": (WARNING, "element should not contain tag"),
    "SecurityRiskAttr": (WARNING, "element should not contain attribute"),
    "DangerousStyleAttr": (WARNING, "style attribute contains potentially dangerous content"),
    "ContainsRelRef": (WARNING, "element should not contain relative URL references"),
    # RFC 5005
    "ArchiveIncomplete": (WARNING, "Archive incomplete"),
    "MissingCurrentInArchive": (WARNING, "Current link not found in archive feed"),
    "FeedRelInCompleteFeed": (ERROR, "link relation found in complete feed"),
    "CurrentNotSelfInCompleteFeed": (ERROR, "Current not self in complete feed"),
    "FeedHistoryRelInEntry": (WARNING, "link relation found in entry"),
    "LinkPastEnd": (ERROR, "link in entry in list"),
}

# --- vocabulary data --------------------------------------------------------------

# The namespaces the service knows, with the prefix it expects for each (base.py).
KNOWN_NAMESPACES = {
    "http://www.bloglines.com/about/specs/fac-1.0": "access",
    "http://webns.net/mvcb/": "admin",
    "http://purl.org/rss/1.0/modules/aggregation/": "ag",
    "http://purl.org/rss/1.0/modules/annotate/": "annotate",
    "http://www.w3.org/2007/app": "app",
    "http://media.tangent.org/rss/1.0/": "audio",
    "http://backend.userland.com/blogChannelModule": "blogChannel",
    "http://web.resource.org/cc/": "cc",
    "http://www.microsoft.com/schemas/rss/core/2005": "cf",
    "http://backend.userland.com/creativeCommonsRssModule": "creativeCommons",
    "http://purl.org/rss/1.0/modules/company": "company",
    CONTENT: "content",
    "http://conversationsnetwork.org/rssNamespace-1.0/": "conversationsNetwork",
    "http://my.theinfo.org/changed/1.0/rss/": "cp",
    DC: "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/email/": "email",
    "http://purl.org/rss/1.0/modules/event/": "ev",
    FH: "fh",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://geourl.org/rss/module/": "geourl",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://postneo.com/icbm": "icbm",
    "http://purl.org/rss/1.0/modules/image/": "image",
    "urn:atom-extension:indexing": "indexing",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://purl.org/rss/1.0/modules/link/": "l",
    "http://search.yahoo.com/mrss/": "media",
    "http://www.w3.org/1998/Math/MathML": "mathml",
    "http://a9.com/-/spec/opensearchrss/1.0/": "opensearch10",
    "http://a9.com/-/spec/opensearch/1.1/": "opensearch",
    "http://www.opml.org/spec2": "opml",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://purl.org/rss/1.0/modules/reference/": "ref",
    "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
    "http://purl.org/rss/1.0/modules/rss091#": "rss091",
    "http://purl.org/rss/1.0/modules/search/": "search",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
    "http://hacks.benhammersley.com/rss/streaming/": "str",
    "http://purl.org/rss/1.0/modules/subscription/": "sub",
    "http://feedsync.org/2007/feedsync": "sx",
    "http://www.w3.org/2000/svg": "svg",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    "http://purl.org/syndication/thread/1.0": "thr",
    "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://purl.org/rss/1.0/modules/wiki/": "wiki",
    "http://www.usemod.com/cgi-bin/mb.pl?ModWiki": "wiki",
    "http://schemas.xmlsoap.org/soap/envelope/": "soap",
    ATOM: "atom",
    XHTML: "xhtml",
    "http://my.netscape.com/rdf/simple/0.9/": "rss090",
    "http://purl.org/rss/1.0/": "rss1",
    "http://purl.org/net/rss1.1#": "rss11",
    "http://base.google.com/ns/1.0": "g",
    XML_NS: "xml",
    "http://openid.net/xmlns/1.0": "openid",
    "http://earth.google.com/kml/2.0": "kml20",
    "http://earth.google.com/kml/2.1": "kml21",
    "http://www.opengis.net/kml/2.2": "kml22",
    "http://www.w3.org/1999/xlink": "xlink",
    "xri://$xrd*($v*2.0)": "xrd",
    "xri://$xrds": "xrds",
}


def _loose(uri):
    """The service also accepts a namespace that differs only in case or trailing punctuation."""
    match = re.match(r".*\w", uri or "", re.S)
    return (match.group() if match else uri or "").lower()


_LOOSE_NAMESPACES = {_loose(uri): prefix for uri, prefix in KNOWN_NAMESPACES.items()}

# Namespaces whose vocabularies this module checks element by element; elements
# in other known namespaces (itunes, media, georss...) are accepted unchecked.
_MODELLED = {"atom", "dc", "content", "fh"}
_DC_ELEMENTS = {
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
}

# HTML element names the service recognises at all (others: NotHtml "Non-html tag").
_HTML_TAGS = set(
    """
a abbr acronym address applet area article aside audio b base basefont bdi bdo big blockquote body br
button canvas caption center cite code col colgroup command data datagrid datalist dd del details dfn
dialog dir div dl dt em eventsource fieldset figcaption figure font footer form frame frameset h1 h2 h3
h4 h5 h6 head header hgroup hr html i iframe img input ins isindex kbd label legend li link m main mark
map menu meta meter nav noframes noscript object ol optgroup option output p param picture pre progress
q rp rt ruby s samp script section select slot small source span strike strong style sub summary sup
table tbody td template textarea tfoot th thead time title tr track tt u ul var xmp plaintext embed
comment listing video wbr""".split()
)
# Of those, the ones the service flags as a security risk (SecurityRisk).
_RISKY_TAGS = set(
    """applet base basefont bdo body comment embed frame frameset head html iframe isindex
link listing meta noframes object param plaintext script slot style title xmp""".split()
)
# Attributes the service accepts on HTML content (any other, except data-*, is SecurityRiskAttr).
_SAFE_ATTRIBUTES = set(
    """
abbr accept accept-charset accesskey action align allow allowfullscreen allowpaymentrequest alt as
autoplay autocapitalize autocomplete autofocus axis background balance bgcolor bgproperties border
bordercolor bordercolordark bordercolorlight bottompadding cellpadding cellspacing ch challenge char
charoff choff charset checked cite class clear color cols colspan compact contenteditable coords
crossorigin data datafld datapagesize datasrc datetime decoding default delay dir dirname disabled
download draggable dynsrc enctype end enterkeyhint face for form formenctype frame galleryimg gutter
headers height hidefocus hidden high href hreflang hspace icon id inputmode is ismap itemid itemprop
itemref itemscope itemtype kind keytype label lang leftspacing loading list longdesc loop loopcount
loopend loopstart low lowsrc max maxlength media method min minlength multiple muted name nohref nonce
noshade nowrap open optimum pattern ping placeholder playsinline point-size poster preload prompt pqg
radiogroup readonly referrerpolicy rel repeat-max repeat-min replace required rev reversed
rightspacing rows rowspan rules scope selected shape size sizes span spellcheck src srclang srcset
start step summary suppress tabindex target template title toppadding translate type unselectable
usemap urn valign value variable volume vspace vrml width wrap xml:lang xmlns""".split()
)
_SAFE_CSS_PROPERTIES = set(
    """
azimuth background background-color border border-bottom border-bottom-color border-bottom-style
border-bottom-width border-collapse border-color border-left border-left-color border-left-style
border-left-width border-right border-right-color border-right-style border-right-width border-spacing
border-style border-top border-top-color border-top-style border-top-width border-width clear color
cursor direction display elevation float font font-family font-size font-style font-variant
font-weight height letter-spacing line-height list-style-type margin margin-bottom margin-left
margin-right margin-top overflow padding padding-bottom padding-left padding-right padding-top pause
pause-after pause-before pitch pitch-range richness speak speak-header speak-numeral speak-punctuation
speech-rate stress text-align text-decoration text-indent unicode-bidi vertical-align voice-family
volume white-space width""".split()
)
_SAFE_CSS_KEYWORDS = set(
    """
aqua auto black block blue bold both bottom brown center collapse dashed dotted fuchsia gray green
!important italic left lime maroon medium none navy normal nowrap olive pointer purple red right solid
silver teal top transparent underline white yellow""".split()
)

_LINK_RELATIONS = {
    "alternate",
    "current",
    "describedby",
    "edit",
    "edit-media",
    "enclosure",
    "first",
    "hub",
    "last",
    "license",
    "next",
    "next-archive",
    "payment",
    "prev-archive",
    "previous",
    "related",
    "replies",
    "search",
    "self",
    "service",
    "up",
    "via",
}
_RFC5005_RELATIONS = {"current", "first", "last", "next", "next-archive", "prev-archive", "previous"}
_IANA_SCHEMES = set(
    """
ftp http gopher mailto news nntp telnet wais file prospero z39.50s z39.50r cid mid vemmi service imap nfs
acap rtsp tip pop data dav opaquelocktoken sip sips tel fax modem ldap https soap.beep soap.beeps
xmlrpc.beep xmlrpc.beeps urn go h323 ipp tftp mupdate pres im mtqp iris.beep dict snmp crid tag dns
info aaa aaas cap iax icap iris iris.xpc iris.xpcs iris.lwz msrp msrps shttp thismessage tv xmpp""".split()
)
_COMMON_ENCODINGS = {
    "UTF-8",
    "UTF-16",
    "US-ASCII",
    "ISO-8859-1",
    "EUC-JP",
    "ISO-8859-2",
    "ISO-8859-15",
    "ISO-8859-7",
    "KOI8-R",
    "SHIFT_JIS",
    "WINDOWS-1250",
    "WINDOWS-1251",
    "WINDOWS-1252",
    "WINDOWS-1254",
    "WINDOWS-1255",
    "WINDOWS-1256",
    "GB18030",
}


def _language_codes():
    codes = {"x", "xx"}
    try:
        from babel import Locale
        from babel.core import get_global

        codes |= {c.lower() for c in Locale("en").languages if len(c) in (2, 3) and c.isalpha()}
        codes |= {c.lower() for c in get_global("language_aliases") if len(c) in (2, 3) and c.isalpha()}
    except Exception:  # Babel missing: accept any two or three letters rather than guess
        return None
    return codes


_LANGUAGES = _language_codes()

# --- value grammars -----------------------------------------------------------------

_URI_CHAR = r"0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#"
_URI_REF = re.compile(r"^(?:[a-zA-Z][0-9a-zA-Z+.\-]*:)?/{0,2}(?:\[[0-9A-Fa-f:]+\])?[" + _URI_CHAR + "]*$")
_URI_FULL = re.compile(r"^[a-zA-Z][0-9a-zA-Z+.\-]*:(?://)?[" + _URI_CHAR + "]+$")
_URI_ONE_CHAR = re.compile("[" + _URI_CHAR + "]")
_TAG_URI = re.compile(
    r"^tag:(?:[a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(?:-\d{2}(?:-\d{2})?)?:"
    r"[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*(?:#[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*)?$"
)
_URN = re.compile(r"^[Uu][Rr][Nn]:[a-zA-Z0-9][a-zA-Z0-9-]{1,31}:(?:[a-zA-Z0-9()+,.:=@;$_!*'\-]|%[0-9A-Fa-f]{2})+$")
_UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_MIME = re.compile(
    r'^[^\s()<>,;:\\"/\[\]?=]+/[^\s()<>,;:\\"/\[\]?=]+'
    r'(?:\s*;\s*[^\s()<>,;:\\"/\[\]?=]+=(?:"(?:\\"|[^"])*"|[^\s()<>,;:\\"/\[\]?=]+))*$'
)
_RFC3339 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d(?:\.\d*)?)(?:Z|[+-]\d\d:\d\d)$")
_W3CDTF = re.compile(r"^\d{4}(?:-\d\d(?:-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d*)?)?(?:Z|[+-]\d\d:\d\d))?)?)?$")
_DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# What the service calls RFC 2822: English names, a four-digit year, a numeric zone
# in half hours or a named US/UT zone.
_RFC2822 = re.compile(
    r"^(?:(?:" + _DAYS + r"), )?\d\d? (?:" + _MONTHS + r") \d{4} \d\d:\d\d(?::\d\d)? "
    r"(?:[+-]?\d\d[03]0|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|Z)$"
)
# What it still reads, with a warning, as RFC 822: any case, two-digit years, no zone.
_RFC822_LOOSE = re.compile(
    r"^(?:(?:"
    + _DAYS.lower()
    + r")\s*,\s*)?\d\d?\s+(?:"
    + _MONTHS.lower()
    + r")\s+\d\d(?:\d\d)?\s+\d\d:\d\d(?::\d\d)?\s+"
    r"(?:[+-]\d{4}|ut|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|[a-ik-z])?$"
)
_EMAIL = re.compile(r"^[A-Z0-9_\-+.']+@(?:(?:[0-9]{1,3}\.){3}|(?:[A-Z0-9\-]+\.)+)[A-Z0-9][-A-Z0-9]*$", re.I)
_EMAIL_IN_TEXT = re.compile(r"<[A-Z0-9_\-+.']+@(?:(?:[0-9]{1,3}\.){3}|(?:[A-Z0-9\-]+\.)+)[A-Z0-9][-A-Z0-9]*>", re.I)
_HTML_END_TAG = re.compile(r"</(\w+)>")
_ENTITY_LIKE = re.compile(r"&(#?\w+)")
_HTML4_ENTITIES = set(html.entities.name2codepoint)


class _Feed:
    """One document being checked: its text, its findings and what the rules share."""

    def __init__(self, name, url):
        self.name = name
        self.url = url
        self.lines = []
        self.found = []  # (class, line, detail) in document order
        self.self_uris = [url] if url else []
        self.rss_docs = None

    def log(self, cls, line, detail):
        self.found.append((cls, line, detail))

    def line_has_hex_ref(self, line):
        # The service's RSS Profile escape hatch: a line using &#x... references is not flagged.
        return bool(line) and 0 < line <= len(self.lines) and "&#x" in self.lines[line - 1]

    def report(self):
        out, seen = [], {}
        for cls, line, detail in self.found:
            if cls == "UseOfExtensionAttr" and self.rss_docs == RSSBOARD_DOCS:
                continue  # the service drops these for feeds that cite the RSS Advisory Board spec
            key = (cls, detail)
            if key in seen:
                seen[key][1] += 1
                continue
            seen[key] = [line, 1]
            out.append(key)
        lines = []
        for cls, detail in out:
            line, count = seen[(cls, detail)]
            level, text = MESSAGES[cls]
            where = f"line {line}: " if line else ""
            many = f" ({count} occurrences)" if count > 1 else ""
            lines.append(f"{self.name}: {level}: {cls} ({text}): {where}{detail}{many}")
        return lines


def problems(path_or_bytes, url=None):
    """Every finding the W3C Feed Validation Service would report as an error or a warning."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        data, name = bytes(path_or_bytes), url or "<feed>"
    else:
        data, name = Path(path_or_bytes).read_bytes(), str(path_or_bytes)
    feed = _Feed(name, url)
    text = _decode(feed, data)
    if text is None:
        return feed.report()
    feed.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    root = _parse(feed, data)
    if root is None:
        return feed.report()
    _check_namespaces(feed, root)
    _check_characters(feed, root)
    qname = lxml.etree.QName(root)
    if qname.localname == "rss":
        if qname.namespace:
            # InvalidNamespace: <rss> must not be in a namespace
            feed.log("InvalidNamespace", root.sourceline, "rss is in namespace " + qname.namespace)
        _check_rss(feed, root)
    elif qname.localname == "feed":
        if not qname.namespace:
            # MissingNamespace: <feed> outside the Atom namespace
            feed.log("MissingNamespace", root.sourceline, "feed has no namespace")
        elif qname.namespace == "http://purl.org/atom/ns#":
            # ObsoleteNamespace: Atom 0.3
            feed.log("ObsoleteNamespace", root.sourceline, "feed is Atom 0.3")
        elif qname.namespace != ATOM:
            # InvalidNamespace: <feed> in a namespace other than Atom 1.0's
            feed.log("InvalidNamespace", root.sourceline, "feed is in namespace " + qname.namespace)
        else:
            _check_atom(feed, root)
    else:
        # UndefinedElement: a root element that is neither rss nor an Atom feed
        feed.log("UndefinedElement", root.sourceline, "root element " + qname.localname)
    return feed.report()


# --- bytes, encoding and XML ------------------------------------------------------------

_XML_DECL = re.compile(
    r"""^<\?xml\s+version\s*=\s*(["'])([-a-zA-Z0-9_.:]*)\1"""
    r"""(?:\s+encoding\s*=\s*(["'])([-A-Za-z0-9._]+)\3)?"""
)


def _decode(feed, data):
    """The document as text, the way the service decodes it; None when it cannot."""
    if data.startswith(codecs.BOM_UTF8):
        head, default = data[3:], "UTF-8"
    elif data.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        return data.decode("utf-16")
    else:
        head, default = data, "UTF-8"
    decl = _XML_DECL.match(head[:512].decode("latin-1"))
    encoding = default
    if decl:
        if decl.group(2) != "1.0":
            # BadXmlVersion: only XML 1.0 is accepted
            feed.log("BadXmlVersion", 1, "version " + decl.group(2))
        if decl.group(4):
            encoding = decl.group(4)
            try:
                codecs.lookup(encoding)
            except LookupError:
                # UnknownEncoding: a declared encoding Python has no codec for
                feed.log("UnknownEncoding", 1, encoding)
                return None
            if encoding.upper() not in _COMMON_ENCODINGS:
                # ObscureEncoding: declared encoding that is neither standard nor common
                feed.log("ObscureEncoding", 1, encoding)
    try:
        return head.decode(encoding)
    except UnicodeDecodeError as err:
        line = head[: err.start].count(b"\n") + 1
        # UnicodeError: bytes that are not in the declared (or default UTF-8) encoding
        feed.log("UnicodeError", line, f"{head[err.start : err.start + 1]} at byte {err.start} is not {encoding}")
        return None


def _parse(feed, data):
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True, remove_pis=True
    )
    try:
        return lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as err:
        message = str(err)
        if "Entity '" in message and "not defined" in message:
            # UndefinedNamedEntity: an HTML entity such as &nbsp; used in XML
            feed.log("UndefinedNamedEntity", err.lineno, message)
        else:
            # SAXError: not well-formed XML, or not namespace-well-formed (a prefix such as
            # content: or dc: used without its xmlns declaration: expat's "unbound prefix")
            feed.log("SAXError", err.lineno, message)
        return None


def _check_namespaces(feed, root):
    atom_feed = lxml.etree.QName(root).localname == "feed"
    seen = {}
    for el in root.iter(lxml.etree.Element):
        parent = el.getparent()
        inherited = parent.nsmap if parent is not None else {}
        for prefix, uri in el.nsmap.items():
            if inherited.get(prefix) == uri or (prefix, uri) in seen:
                continue
            seen[(prefix, uri)] = True
            expected = KNOWN_NAMESPACES.get(uri)
            if prefix and prefix in KNOWN_NAMESPACES.values() and expected != prefix:
                # ReservedPrefix: a well-known prefix bound to another namespace
                feed.log("ReservedPrefix", el.sourceline, f'prefix "{prefix}" bound to {uri}')
            elif prefix in ("atom", "xhtml") and expected == prefix and atom_feed:
                # AvoidNamespacePrefix: Atom feeds should not use atom:/xhtml: prefixes
                feed.log("AvoidNamespacePrefix", el.sourceline, prefix)
            elif expected is None and uri:
                # UnknownNamespace: a namespace the service does not know (its elements go unchecked)
                feed.log("UnknownNamespace", el.sourceline, uri)


_C1_OR_REPLACEMENT = re.compile("[\u0080-\u009f\ufffd]")


def _check_characters(feed, root):
    def bad(value):
        if _C1_OR_REPLACEMENT.search(value):
            return True
        if re.search("[\u00c2\u00c3][\u0080-\u00bf]", value):  # UTF-8 read as Latin-1
            try:
                value.encode("latin-1").decode("utf-8")
                return True
            except UnicodeError:
                return False
        return False

    for el in root.iter(lxml.etree.Element):
        name = _name(el)
        for value in [el.text or ""] + [c.tail or "" for c in el] + list(el.attrib.values()):
            if value and bad(value):
                # BadCharacters: C1 control characters, U+FFFD or double-encoded UTF-8
                feed.log("BadCharacters", el.sourceline, name)
                break


# --- shared element helpers ---------------------------------------------------------------


def _prefix(namespace):
    if not namespace:
        return ""
    return KNOWN_NAMESPACES.get(namespace) or _LOOSE_NAMESPACES.get(_loose(namespace), "")


def _name(el):
    """The name the service gives an element: 'title', 'atom:link', 'content:encoded'."""
    q = lxml.etree.QName(el)
    prefix = _prefix(q.namespace)
    return f"{prefix}:{q.localname}" if prefix else q.localname


def _text(el):
    return "".join(el.itertext())


def _children(el):
    return [c for c in el if isinstance(c.tag, str)]


def _check_unexpected_text(feed, el):
    stray = (el.text or "").strip() or any((c.tail or "").strip() for c in el)
    if stray:
        # UnexpectedText: character data directly inside a container element
        feed.log("UnexpectedText", el.sourceline, "text inside " + _name(el))


def _check_attributes(feed, el, expected, rss_core):
    for attr in el.attrib:
        q = lxml.etree.QName(attr)
        if q.namespace == XML_NS or (q.namespace is None and q.localname in expected) or attr in expected:
            continue
        if q.namespace and _loose(q.namespace) not in _LOOSE_NAMESPACES:
            if rss_core:
                # UseOfExtensionAttr: a foreign attribute on an RSS 2.0 core element
                feed.log("UseOfExtensionAttr", el.sourceline, f"{attr} on {_name(el)}")
            continue
        # UnexpectedAttribute: an attribute the element does not define
        feed.log("UnexpectedAttribute", el.sourceline, f"{q.localname} on {_name(el)}")


def _xml_lang(feed, root):
    for el in root.iter(lxml.etree.Element):
        lang = el.get(f"{{{XML_NS}}}lang")
        if lang:
            _check_language(feed, el, lang, "xml:lang")


def _check_language(feed, el, value, what):
    code = value.split("-", 1)[0].lower()
    ok = bool(re.fullmatch(r"[a-z]{1,3}", code)) if _LANGUAGES is None else code in _LANGUAGES
    if not ok:
        # InvalidLanguage: not an ISO 639 language code (with optional subtag)
        feed.log("InvalidLanguage", el.sourceline, f"{what} {value!r}")


def _check_uri(feed, el, value, what, full=False, iri=False, error="InvalidLink"):
    """The service's URI grammar (RFC 2396, 'full' = absolute, 'iri' = IDNA-encoded first)."""
    if iri:
        try:
            value = value.encode("idna").decode("ascii") if value else value
        except UnicodeError:
            pass
    scheme = value.split(":")[0].lower()
    if scheme == "tag":
        if not _TAG_URI.match(value):
            # InvalidTAG: a tag: URI that does not follow RFC 4151
            feed.log("InvalidTAG", el.sourceline, f"{what} {value!r}")
            return False
        return True
    if scheme == "urn":
        if value.lower().startswith("urn:uuid:") and not _UUID_URN.match(value):
            # InvalidUUID: a malformed urn:uuid:
            feed.log("InvalidUUID", el.sourceline, f"{what} {value!r}")
            return False
        if not _URN.match(value):
            # InvalidURN: a malformed URN
            feed.log("InvalidURN", el.sourceline, f"{what} {value!r}")
            return False
        return True
    if not (_URI_FULL if full else _URI_REF).match(value):
        for c in value:
            if ord(c) < 128 and not _URI_ONE_CHAR.match(c):
                # InvalidUriChar: an ASCII character that may not appear in a URI
                feed.log("InvalidUriChar", el.sourceline, f"{what} {value!r} has {c!r}")
                return False
        try:
            if (_URI_FULL if full else _URI_REF).match(value.encode("idna").decode("ascii")):
                error = "UriNotIri"
        except UnicodeError:
            pass
        # InvalidLink / InvalidFullLink / InvalidIRI / UriNotIri: not a (full) URI
        feed.log(error, el.sourceline, f"{what} {value!r}")
        return False
    if scheme in ("http", "ftp") and not re.match(r"^\w+://[^/]", value):
        # InvalidLink / InvalidFullLink: http: or ftp: without a host
        feed.log(error, el.sourceline, f"{what} {value!r}")
        return False
    if ":" in value and scheme.isalpha() and scheme not in _IANA_SCHEMES:
        # SchemeNotIANARegistered: e.g. javascript: or a private scheme
        feed.log("SchemeNotIANARegistered", el.sourceline, f"{what} {scheme!r}")
        return False
    return True


_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _norm_escapes(part):
    def fix(m):
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    return re.sub(r"%([0-9A-Fa-f]{2})", fix, part)


def _canonical(uri):
    """RFC 3986 normal form, for comparing URIs and for NonCanonicalURI."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if netloc or uri.startswith(scheme + "://"):
        userinfo, _, hostport = netloc.rpartition("@")
        host, _, port = hostport.partition(":") if not hostport.startswith("[") else (hostport, "", "")
        host = host.lower().rstrip(".") if host.count(".") > 1 else host.lower()
        if port and _DEFAULT_PORTS.get(scheme) == int(port or 0):
            port = ""
        netloc = (userinfo + "@" if userinfo else "") + host + (":" + port if port else "")
    path = parts.path
    if netloc or path.startswith("/"):
        segments = []
        for seg in path.split("/"):
            if seg == "..":
                if len(segments) > 1:
                    segments.pop()
            elif seg != ".":
                segments.append(seg)
        if path.split("/")[-1] in (".", ".."):
            segments.append("")
        path = "/".join(segments)
        if netloc and not path:
            path = "/"
    out = (scheme + ":" if scheme else "") + ("//" + netloc if parts.netloc or netloc else "")
    out += _norm_escapes(path)
    if parts.query or uri.endswith("?") and not parts.fragment:
        out += "?" + _norm_escapes(parts.query)
    if parts.fragment or "#" in uri:
        out += "#" + _norm_escapes(parts.fragment)
    return out


def _check_rfc822(feed, el):
    value = (el.text or "").strip()
    where = f"{_name(el)} {value!r}"
    if _RFC2822.match(value):
        parsed = email.utils.parsedate_tz(value)
        try:
            day = datetime.date(*parsed[:3])
        except (TypeError, ValueError) as err:
            # InvalidRFC2822Date: a date that does not exist
            feed.log("InvalidRFC2822Date", el.sourceline, f"{where}: {err}")
            return
        if "," in value and _DAYS.split("|")[day.weekday()] != value[:3]:
            # IncorrectDOW: the day name does not match the date
            feed.log("IncorrectDOW", el.sourceline, where)
            return
        when = email.utils.mktime_tz(parsed)
        if when > time.time() + 600 or parsed[0] < 1990:
            # ImplausibleDate: in the future or before 1990
            feed.log("ImplausibleDate", el.sourceline, where)
        return
    loose = value
    while True:  # RFC 822 comments are ignored
        stripped = re.sub(r"\([^(]*?\)", " ", loose)
        if stripped == loose:
            break
        loose = stripped
    if _RFC822_LOOSE.match(loose.strip().lower()):
        # ProblematicalRFC822Date: readable, but two-digit year, no zone, odd case or spacing
        feed.log("ProblematicalRFC822Date", el.sourceline, where)
    else:
        # InvalidRFC2822Date: not an RFC 822 date-time (e.g. ISO 8601, or zone 'UTC')
        feed.log("InvalidRFC2822Date", el.sourceline, where)


def _check_rfc3339(feed, el):
    value = el.text or ""
    where = f"{_name(el)} {value!r}"
    if value != value.strip():
        # UnexpectedWhitespace: Atom dates and ids allow no surrounding whitespace
        feed.log("UnexpectedWhitespace", el.sourceline, _name(el))
        value = value.strip()
    match = _RFC3339.match(value)
    if not match:
        # InvalidRFC3339Date: Atom dates need YYYY-MM-DDThh:mm:ss and a zone (Z or +hh:mm)
        feed.log("InvalidRFC3339Date", el.sourceline, where)
        return
    year, month, day, hour, minute, second = match.groups()
    try:
        datetime.date(int(year), int(month), int(day))
        bad = int(hour) > 23 or int(minute) > 60 or float(second) > 60
    except ValueError:
        bad = True
    if bad:
        # InvalidRFC3339Date: a date or time that does not exist
        feed.log("InvalidRFC3339Date", el.sourceline, where)
        return
    tomorrow = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
    if value < "1990-01-01" or value > tomorrow:
        # ImplausibleDate: in the future or before 1990
        feed.log("ImplausibleDate", el.sourceline, where)


def _check_plain(feed, el, value, message="ContainsHTML", rss2=False, what=None):
    """Text that should not be HTML (the service's 'nonhtml')."""
    what = what or _name(el)
    tags = [t for t in _HTML_END_TAG.findall(value) if t.lower() in _HTML_TAGS]
    if tags:
        # ContainsHTML / ContainsUndeclaredHTML / NotInline: an HTML end tag in plain text
        feed.log(message, el.sourceline, f"{what} has </{tags[0]}>")
        return
    refs = [v for v in _ENTITY_LIKE.findall(value) if v in _HTML4_ENTITIES or v == "apos" or not v.isalpha()]
    if refs:
        if not feed.line_has_hex_ref(el.sourceline):
            # ContainsHTML / ...: a character reference that survives decoding (double-escaped)
            feed.log(message, el.sourceline, f"{what} has &{refs[0]}")
        return
    if rss2 and re.search(r"&#[x0-9]|<[/a-zA-Z]", value) and not feed.line_has_hex_ref(el.sourceline):
        # CharacterData: RSS Profile, '<' or '&#' in plain text not written as &#x3C; / &#x26;
        feed.log("CharacterData", el.sourceline, f"{what} {value[:60]!r}")


def _check_blank(feed, el, value, what=None):
    if not value:
        # NotBlank: an element that must have content
        feed.log("NotBlank", el.sourceline, what or _name(el))


def _count(feed, el, seen, name, message="DuplicateElement"):
    if name in seen:
        # DuplicateElement (or the class given): an element that may appear only once
        feed.log(message, el.sourceline, f"{name} in {_name(el.getparent())}")
    seen.append(name)


def _check_email_with_name(feed, el):
    value = (el.text or "").strip()
    if value.startswith("mailto:"):
        value = unquote(value.split(":", 1)[1])
    if value.find("@") > 0:
        if not value.endswith(")"):
            # EmailFormat / MissingRealName: the RSS Profile wants "addr@example.com (Name)"
            feed.log("EmailFormat" if value.find(" ") > 0 else "MissingRealName", el.sourceline, _name(el))
            return
    addresses = email.utils.getaddresses([value])
    address = addresses[0][1] if len(addresses) == 1 else value
    if not _EMAIL.match(address or ""):
        # InvalidContact: author/managingEditor/webMaster must hold an e-mail address
        feed.log("InvalidContact", el.sourceline, f"{_name(el)} {value!r}")


# --- HTML content -----------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _parse_html(value):
    """(first parse error or None, ((tag, attributes), ...) of every element) of HTML carried as text.

    As the service parses it (validators.py, HTMLValidator): html5lib's HTMLParser,
    strict, on the value as a fragment; html5lib raises at the first parse error.
    A post's HTML recurs in its tag, category, author and archive feeds: parsed once."""
    try:
        fragment = html5lib.HTMLParser(strict=True).parseFragment(value)
    except ParseError as error:
        return str(error), ()
    # the fragment's own root is not an element of the value; a comment's tag is a function
    elements = tuple(
        (node.tag.split("}")[-1], tuple(node.attrib.items()))
        for node in fragment.iter()
        if node is not fragment and isinstance(node.tag, str)
    )
    return None, elements


def _check_css(style):
    """The service's style-attribute screen: what it finds unsafe in a style value."""
    simple = r"""^(?:[:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$"""
    if not re.match(simple, style) or not re.match(r"^(?:\s*[-\w]+\s*:\s*[^:;]*(?:;|$))*$", style):
        return [style]
    unsafe = []
    value_ok = re.compile(r"^(?:#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d?\.?\d?\d(?:cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$")
    for prop, value in re.findall(r"([-\w]+)\s*:\s*([^:;]*)", style.lower()):
        if prop not in _SAFE_CSS_PROPERTIES:
            unsafe.append(prop)
        elif prop.split("-")[0] in ("background", "border", "margin", "padding"):
            unsafe += [k for k in value.split() if k not in _SAFE_CSS_KEYWORDS and not value_ok.match(k)]
    return unsafe


def _check_html(feed, el, value, what=None):
    """HTML carried as text (RSS description, content:encoded, Atom type="html")."""
    what = what or _name(el)
    line = el.sourceline
    if "<?import " in value.lower():
        # SecurityRisk: an <?import ...> processing instruction
        feed.log("SecurityRisk", line, f"{what} contains <?import")
    error, elements = _parse_html(value)
    if error:
        # NotHtml "Invalid HTML": html5lib (strict) stops at the first parse error, and then
        # the service checks no element or attribute of this value
        feed.log("NotHtml", line, f"{what}: Invalid HTML: {error}")
        return
    for tag, attrs in elements:
        tag = tag.lower()
        if tag not in _HTML_TAGS:
            # NotHtml "Non-html tag": an element HTML does not have (svg, math, custom tags)
            feed.log("NotHtml", line, f"{what}: Non-html tag <{tag}>")
        elif tag in _RISKY_TAGS:
            # SecurityRisk: script, style, iframe, object, embed, meta, link, ...
            feed.log("SecurityRisk", line, f"{what} should not contain <{tag}>")
        else:
            for attr, attr_value in attrs:
                if attr == "style":
                    for evil in _check_css(attr_value or ""):
                        # DangerousStyleAttr: CSS outside the service's safe list
                        feed.log("DangerousStyleAttr", line, f"{what} <{tag} style> has {evil!r}")
                elif attr not in _SAFE_ATTRIBUTES and not attr.startswith("data-"):
                    # SecurityRiskAttr: on* handlers, and any attribute off the service's
                    # list, role and aria-* included
                    feed.log("SecurityRiskAttr", line, f"{what} should not contain {attr} attribute")


_REL_ANCHOR = re.compile(r"""<a\s+href=(?:"(.*?)"|'(.*?)'|([\w-]+))[\s>]""", re.I)
_REL_IMAGE = re.compile(r"""<img\s+[^>]*src=(?:"(.*?)"|'(.*?)'|([\w-]+))[\s>]""", re.I)


def _unescape(text):
    def one(m):
        ref = m.group(1)
        if ref.startswith("#"):
            try:
                return chr(int(ref[2:], 16) if ref[1:2] in "xX" and len(ref) > 2 else int(ref[1:]))
            except ValueError:
                return m.group(0)
        return chr(html.entities.name2codepoint[ref]) if ref in html.entities.name2codepoint else m.group(0)

    return re.sub(r"&(#?\w+);", one, text)


def _check_relative_refs(feed, el, value):
    """RSS description and content:encoded: <a href> (first attribute) and <img src> must be absolute."""
    for pattern in (_REL_IMAGE, _REL_ANCHOR):
        for groups in pattern.findall(value):
            ref = _unescape(next((g for g in groups if g), "")).strip()
            if re.match(r"\w+:", ref):
                continue
            bad = [c for c in ref if ord(c) < 128 and not _URI_ONE_CHAR.match(c)]
            if bad:
                # InvalidUriChar: a relative reference with a character URIs may not contain
                feed.log("InvalidUriChar", el.sourceline, f"{_name(el)} reference {ref!r}")
            else:
                # ContainsRelRef: relative URL in RSS HTML (xml:base does not help here)
                feed.log("ContainsRelRef", el.sourceline, f"{_name(el)} reference {ref!r}")


# --- links (atom:link in both formats) -------------------------------------------------------


class _Link:
    def __init__(self, el):
        self.el = el
        self.rel = el.get("rel", "alternate")
        if self.rel.startswith("http://www.iana.org/assignments/relation/"):
            self.rel = self.rel[len("http://www.iana.org/assignments/relation/") :]
        self.type = el.get("type", "")
        self.href = el.get("href", "")
        self.hreflang = el.get("hreflang", "")


def _base_of(el, url):
    bases = []
    node = el
    while node is not None:
        base = node.get(f"{{{XML_NS}}}base")
        if base:
            bases.append(base)
        node = node.getparent()
    result = url or ""
    for base in reversed(bases):
        result = urljoin(result, base)
    return result


def _check_link(feed, el, parent_kind):
    link = _Link(el)
    _check_attributes(
        feed,
        el,
        {
            "type",
            "title",
            "rel",
            "href",
            "length",
            "hreflang",
            "{http://purl.org/syndication/thread/1.0}count",
            "{http://purl.org/syndication/thread/1.0}updated",
        },
        False,
    )
    if "rel" in el.attrib:
        rel = link.rel
        if rel not in _LINK_RELATIONS and not _URI_FULL.match(rel):
            # UnregisteredAtomLinkRel: rel neither registered nor an absolute URI
            feed.log("UnregisteredAtomLinkRel", el.sourceline, f"rel={rel!r}")
        if not el.get("rel"):
            # AttrNotBlank: rel=""
            feed.log("AttrNotBlank", el.sourceline, "rel of " + _name(el))
        if rel in _RFC5005_RELATIONS and parent_kind == "entry":
            # FeedHistoryRelInEntry: RFC 5005 relations belong on the feed, not an entry
            feed.log("FeedHistoryRelInEntry", el.sourceline, f"rel={rel!r} in an entry")
    if "type" in el.attrib:
        if not _MIME.match(link.type):
            # InvalidMIMEType: type is not a media type
            feed.log("InvalidMIMEType", el.sourceline, f"type={link.type!r}")
        elif link.rel == "self" and link.type.split(";")[0] not in (
            "application/atom+xml",
            "application/rss+xml",
            "application/rdf+xml",
        ):
            # SelfNotAtom: the self link's type must be a feed type
            feed.log("SelfNotAtom", el.sourceline, f"type={link.type!r}")
    if "title" in el.attrib:
        if not el.get("title"):
            # AttrNotBlank: title=""
            feed.log("AttrNotBlank", el.sourceline, "title of " + _name(el))
        _check_plain(feed, el, el.get("title"), what="title of " + _name(el))
    if "length" in el.attrib and not re.fullmatch(r"\d+", el.get("length").strip()):
        # InvalidNonNegativeInteger: length must be a byte count
        feed.log("InvalidNonNegativeInteger", el.sourceline, "length={0!r}".format(el.get("length")))
    if "hreflang" in el.attrib:
        _check_language(feed, el, link.hreflang, "hreflang")
    if "href" not in el.attrib:
        # MissingHref: atom:link without href
        feed.log("MissingHref", el.sourceline, f"rel={link.rel!r}")
    else:
        _check_uri(feed, el, link.href, "href", iri=True, error="InvalidIRI")
        if link.rel == "self" and parent_kind in ("feed", "channel"):
            base = _base_of(el, "")
            if not urlsplit(link.href).netloc and not urlsplit(base).netloc:
                # RelativeSelf: the self link should be absolute
                feed.log("RelativeSelf", el.sourceline, f"href={link.href!r}")
            where = urljoin(_base_of(el, feed.url), link.href)
            if feed.url and _canonical(where) != _canonical(feed.url):
                # SelfDoesntMatchLocation: rel=self is not the URL the feed is served at
                feed.log("SelfDoesntMatchLocation", el.sourceline, f"self {link.href} but served at {feed.url}")
            feed.self_uris.append(where)
    if (el.text or "").strip() or len(el):
        # AtomLinkNotEmpty: atom:link carries everything in attributes
        feed.log("AtomLinkNotEmpty", el.sourceline, _name(el))
    return link


# --- RSS 2.0 --------------------------------------------------------------------------------

_RSS_CHANNEL_ONCE = {
    "title",
    "link",
    "description",
    "language",
    "copyright",
    "managingEditor",
    "webMaster",
    "pubDate",
    "lastBuildDate",
    "generator",
    "docs",
    "cloud",
    "ttl",
    "image",
    "textInput",
    "skipHours",
    "skipDays",
}
_RSS_CHANNEL_METADATA = _RSS_CHANNEL_ONCE | {"category", "textinput", "atom:link"}
_RSS_ITEM_ONCE = {"title", "link", "description", "author", "comments", "guid", "pubDate", "source"}
_CHANNEL_PAIRS = [
    ("managingEditor", "dc:creator"),
    ("language", "dc:language"),
    ("lastBuildDate", "dcterms:modified"),
    ("copyright", "dc:rights"),
    ("pubDate", "dc:date"),
    ("generator", "admin:generatorAgent"),
    ("category", "dc:subject"),
    ("webMaster", "dc:publisher"),
]
_ITEM_PAIRS = [
    ("author", "dc:creator"),
    ("category", "dc:subject"),
    ("pubDate", "dc:date"),
    ("pubDate", "atom:published"),
    ("guid", "atom:id"),
    ("source", "dc:source"),
]


def _check_rss(feed, rss):
    version = rss.get("version")
    _check_attributes(feed, rss, {"version"}, True)
    if version is None:
        # MissingAttribute: <rss> without version
        feed.log("MissingAttribute", rss.sourceline, "rss version")
        version = "2.0"
    elif version not in ("0.91", "0.92", "2.0"):
        # InvalidRSSVersion: version other than 0.91, 0.92 or 2.0
        feed.log("InvalidRSSVersion", rss.sourceline, f"version {version!r}")
    _check_unexpected_text(feed, rss)
    _xml_lang(feed, rss)
    channels = []
    for child in _children(rss):
        name = _name(child)
        if name == "channel":
            if channels:
                # DuplicateElement: more than one channel
                feed.log("DuplicateElement", child.sourceline, "channel in rss")
            channels.append(child)
        elif not lxml.etree.QName(child).namespace:
            # UndefinedElement: an element RSS 2.0 does not define
            feed.log("UndefinedElement", child.sourceline, f"{name} in rss")
    if not channels:
        # MissingElement: rss without channel
        feed.log("MissingElement", rss.sourceline, "channel in rss")
        return
    feed.rss_docs = next((c.findtext("docs") or "").strip() for c in channels[:1])
    _check_channel(feed, channels[0], version)


def _check_channel(feed, channel, version):
    rss2 = version.startswith("2.")
    _check_unexpected_text(feed, channel)
    _check_attributes(feed, channel, {"{urn:atom-extension:indexing}index"}, True)
    seen, items_before, has_self, guids = [], [], False, []
    for child in _children(channel):
        name = _name(child)
        q = lxml.etree.QName(child)
        prefix = _prefix(q.namespace)
        if name in _RSS_CHANNEL_METADATA and items_before:
            for item_line in items_before:
                # MisplacedItem: channel metadata must come before the items
                feed.log("MisplacedItem", item_line, f"item before channel {name}")
            items_before = []
        if name == "item":
            items_before.append(child.sourceline)
            _check_item(feed, child, version, guids)
            seen.append(name)
            continue
        if q.namespace and not prefix:
            continue  # unknown namespace: the service does not look inside
        if q.namespace and prefix not in _MODELLED:
            seen.append(name)
            continue
        if name in _RSS_CHANNEL_ONCE:
            _count(feed, child, seen, name)
        else:
            seen.append(name)
        for core, ext in _CHANNEL_PAIRS:
            if name in (core, ext) and {core, ext} <= set(seen):
                # DuplicateSemantics: both the core element and its module twin
                feed.log("DuplicateSemantics", child.sourceline, f"{core} and {ext}")
        if not q.namespace:
            _check_attributes(feed, child, {"domain"} if name == "category" else set(), True)
        if name == "title":
            value = (child.text or "").strip()
            _check_plain(feed, child, value, rss2=rss2)
            _check_blank(feed, child, value)
        elif name == "link":
            _check_uri(feed, child, (child.text or "").strip(), "channel link", full=True, error="InvalidFullLink")
        elif name in ("description", "copyright", "category"):
            _check_plain(feed, child, (child.text or "").strip(), rss2=rss2)
        elif name in ("language", "dc:language"):
            _check_language(feed, child, (child.text or "").strip(), name)
        elif name in ("pubDate", "lastBuildDate"):
            _check_rfc822(feed, child)
        elif name == "docs":
            _check_uri(feed, child, (child.text or "").strip(), "docs", full=True, error="InvalidFullLink")
        elif name in ("managingEditor", "webMaster"):
            _check_email_with_name(feed, child)
        elif name == "ttl":
            if not re.fullmatch(r"\s*\d+\s*", child.text or "") or int(child.text) <= 0:
                # InvalidPositiveInteger: ttl is minutes, a positive integer
                feed.log("InvalidPositiveInteger", child.sourceline, f"ttl {child.text!r}")
        elif name in ("generator", "image", "textInput", "cloud", "rating", "skipHours", "skipDays"):
            pass  # accepted; their inner rules are out of scope (this blog writes none but generator)
        elif name == "textinput":
            # UndefinedElement: RSS 2.0 spells it textInput
            feed.log("UndefinedElement", child.sourceline, "textinput in channel")
        elif name == "atom:link":
            link = _check_link(feed, child, "channel")
            has_self = has_self or link.rel == "self"
        elif prefix == "atom" and q.localname in (
            "author",
            "category",
            "contributor",
            "generator",
            "id",
            "icon",
            "logo",
            "title",
            "subtitle",
            "rights",
            "updated",
        ):
            if q.localname == "updated":
                _check_rfc3339(feed, child)
        elif prefix == "dc" and q.localname in _DC_ELEMENTS:
            if q.localname == "date":
                _check_w3cdtf(feed, child)
        elif name in ("fh:archive", "fh:complete"):
            pass  # RFC 5005 markers: allowed in an RSS channel; the service checks nothing more here
        else:
            # UndefinedElement: not an RSS 2.0 channel element (or a misplaced module element)
            feed.log("UndefinedElement", child.sourceline, f"{name} in channel")
    for required, cls in (("title", "MissingTitle"), ("link", "MissingLink"), ("description", "MissingDescription")):
        if required not in seen:
            # MissingTitle / MissingLink / MissingDescription: RSS 2.0's required channel elements
            feed.log(cls, channel.sourceline, "channel has no " + required)
    if version == "2.0" and not has_self:
        # MissingAtomSelfLink: RSS 2.0 channel without <atom:link rel="self">
        feed.log("MissingAtomSelfLink", channel.sourceline, "channel has no atom:link rel=self")


def _check_w3cdtf(feed, el):
    value = (el.text or "").strip()
    if not _W3CDTF.match(value):
        # InvalidW3CDTFDate: dc:date must be a W3C-DTF date
        feed.log("InvalidW3CDTFDate", el.sourceline, f"{_name(el)} {value!r}")


def _check_item(feed, item, version, guids):
    rss2 = version.startswith("2.")
    _check_unexpected_text(feed, item)
    _check_attributes(feed, item, set(), True)
    seen = []
    for child in _children(item):
        name = _name(child)
        q = lxml.etree.QName(child)
        prefix = _prefix(q.namespace)
        if q.namespace and not prefix:
            continue
        if q.namespace and prefix not in _MODELLED:
            seen.append(name)
            continue
        if name == "content:encoded" and rss2 and "description" not in seen:
            # NeedDescriptionBeforeContent: RSS Profile wants description before content:encoded
            feed.log("NeedDescriptionBeforeContent", child.sourceline, "content:encoded before description")
        if name in _RSS_ITEM_ONCE or name in (
            "content:encoded",
            "atom:id",
            "atom:title",
            "atom:summary",
            "atom:published",
            "atom:updated",
        ):
            _count(feed, child, seen, name)
        elif name == "enclosure":
            _count(feed, child, seen, name, message="DuplicateEnclosure")
        else:
            seen.append(name)
        for core, ext in _ITEM_PAIRS:
            if name in (core, ext) and {core, ext} <= set(seen):
                # DuplicateItemSemantics: both the core element and its module twin
                feed.log("DuplicateItemSemantics", child.sourceline, f"{core} and {ext}")
        if not q.namespace:
            expected = {
                "guid": {"isPermaLink"},
                "category": {"domain"},
                "source": {"url"},
                "enclosure": {"url", "length", "type"},
            }.get(name, set())
            _check_attributes(feed, child, expected, True)
        value = (child.text or "").strip()
        if name == "title":
            _check_plain(feed, child, value, rss2=rss2)
            _check_blank(feed, child, value)
        elif name in ("link", "comments"):
            _check_uri(feed, child, value, "item " + name, full=True, error="InvalidFullLink")
        elif name in ("description", "content:encoded"):
            if name == "description" and version == "0.91":
                _check_plain(feed, child, value, rss2=rss2)
            else:
                _check_html(feed, child, value)
                _check_relative_refs(feed, child, value)
        elif name == "guid":
            _check_guid(feed, child, guids)
        elif name == "pubDate":
            _check_rfc822(feed, child)
        elif name == "author":
            _check_email_with_name(feed, child)
        elif name == "category":
            _check_plain(feed, child, value, rss2=rss2)
            _check_blank(feed, child, value)
        elif name == "source":
            if child.get("url") is None:
                # MissingAttribute: source needs url
                feed.log("MissingAttribute", child.sourceline, "source url")
            else:
                _check_uri(feed, child, child.get("url"), "source url", full=True, error="InvalidFullLink")
        elif name == "enclosure":
            _check_enclosure(feed, child)
        elif name == "atom:link":
            _check_link(feed, child, "item")
        elif name in ("atom:title", "atom:content"):
            # DuplicateDescriptionSemantics: Atom text constructs in an RSS item
            feed.log("DuplicateDescriptionSemantics", child.sourceline, "Avoid " + name)
        elif name in ("atom:published", "atom:updated"):
            _check_rfc3339(feed, child)
        elif name == "dc:date":
            _check_w3cdtf(feed, child)
        elif prefix == "atom" and q.localname in ("id", "summary", "author", "contributor", "category"):
            pass
        elif prefix == "dc" and q.localname in _DC_ELEMENTS:
            pass
        elif name in ("content:items",):
            pass
        else:
            # UndefinedElement: not an RSS 2.0 item element (fh:archive in an item, for one)
            feed.log("UndefinedElement", child.sourceline, f"{name} in item")
    if "title" not in seen and "description" not in seen:
        # ItemMustContainTitleOrDescription
        feed.log("ItemMustContainTitleOrDescription", item.sourceline, "item has neither")
    if "guid" not in seen and rss2:
        # MissingGuid: RSS 2.0 items should have a guid
        feed.log("MissingGuid", item.sourceline, "item has no guid")


def _check_guid(feed, el, guids):
    value = (el.text or "").strip()
    permalink = True
    flag = el.get("isPermaLink")
    if flag is not None:
        if flag not in ("true", "false"):
            # InvalidBooleanAttribute: isPermaLink must be exactly "true" or "false"
            feed.log("InvalidBooleanAttribute", el.sourceline, f"isPermaLink={flag!r}")
        permalink = flag == "true"
    if permalink:
        if _check_uri(feed, el, value, "guid", error="InvalidHttpGUID"):
            if value.lower().startswith(("tag:", "urn:uuid:")):
                # InvalidPermalink: a tag: or urn:uuid: guid must say isPermaLink="false"
                feed.log("InvalidPermalink", el.sourceline, f"guid {value!r}")
    elif len(value) < 9 and value.isdigit():
        # NotSufficientlyUnique: a short number as guid
        feed.log("NotSufficientlyUnique", el.sourceline, f"guid {value!r}")
    _check_blank(feed, el, value)
    if value in guids:
        # DuplicateValue: two items with the same guid
        feed.log("DuplicateValue", el.sourceline, f"guid {value}")
    elif value:
        guids.append(value)


def _check_enclosure(feed, el):
    length = el.get("length")
    if length is None:
        # MissingAttribute: enclosure needs length
        feed.log("MissingAttribute", el.sourceline, "enclosure length")
    elif not re.fullmatch(r"-?\d+", length.strip()):
        # InvalidIntegerAttribute: enclosure length must be an integer
        feed.log("InvalidIntegerAttribute", el.sourceline, f"enclosure length {length!r}")
    elif int(length) < 0:
        # UseZeroForUnknown / InvalidNonNegativeInteger: negative length
        feed.log(
            "UseZeroForUnknown" if int(length) == -1 else "InvalidNonNegativeInteger",
            el.sourceline,
            f"enclosure length {length!r}",
        )
    kind = el.get("type")
    if kind is None:
        # MissingAttribute: enclosure needs type
        feed.log("MissingAttribute", el.sourceline, "enclosure type")
    elif not _MIME.match(kind):
        # InvalidMIMEAttribute: enclosure type is not a media type
        feed.log("InvalidMIMEAttribute", el.sourceline, f"enclosure type {kind!r}")
    url = el.get("url")
    if url is None:
        # MissingAttribute: enclosure needs url
        feed.log("MissingAttribute", el.sourceline, "enclosure url")
    elif not re.match(
        r"^https?://(?:(?:[0-9]{1,3}\.){3}|(?:[A-Z0-9\-]+\.)+)[A-Z0-9][-A-Z0-9]*(?::\d+)?(?:/|$)", url, re.I
    ) or not _URI_FULL.match(url):
        # InvalidURLAttribute: enclosure url must be a full http(s) URL
        feed.log("InvalidURLAttribute", el.sourceline, f"enclosure url {url!r}")


# --- Atom 1.0 ---------------------------------------------------------------------------------

_ATOM_FEED_METADATA = {
    "author",
    "category",
    "contributor",
    "generator",
    "id",
    "icon",
    "link",
    "logo",
    "title",
    "subtitle",
    "rights",
    "updated",
}
_ATOM_FEED_ONCE = {"generator", "id", "icon", "logo", "title", "subtitle", "rights", "updated"}
_ATOM_ENTRY_ONCE = {"content", "id", "published", "rights", "source", "summary", "title", "updated"}


def _check_atom(feed, root):
    _check_unexpected_text(feed, root)
    _check_attributes(feed, root, {"{urn:atom-extension:indexing}index"}, False)
    _xml_lang(feed, root)
    head, links, entries, seen = [], [], [], []
    ids, updated = [], []
    head_done = False
    for child in _children(root):
        q = lxml.etree.QName(child)
        prefix = _prefix(q.namespace)
        name = q.localname if q.namespace == ATOM else _name(child)
        if not q.namespace:
            # UndeterminableVocabulary: an element in no namespace inside an Atom feed
            feed.log("UndeterminableVocabulary", child.sourceline, f"{q.localname} in feed")
            continue
        if q.namespace == ATOM and name == "entry":
            if not head_done:
                _check_feed_head(feed, root, head, links)
                head_done = True
            entries.append(child)
            _check_entry(feed, child, head, ids, updated)
            continue
        if not prefix:
            continue
        if q.namespace == ATOM and name in _ATOM_FEED_METADATA and entries:
            # MisplacedMetadata: feed metadata after the first entry
            feed.log("MisplacedMetadata", child.sourceline, f"feed {name} after an entry")
        if q.namespace == ATOM and name in _ATOM_FEED_ONCE:
            _count(feed, child, seen, name)
        else:
            seen.append(name)
        if not head_done:
            head.append(name)
        if q.namespace != ATOM:
            if prefix == "fh" and q.localname not in ("archive", "complete"):
                # UndefinedElement: RFC 5005 defines only fh:archive and fh:complete
                feed.log("UndefinedElement", child.sourceline, f"{name} in feed")
            elif prefix == "dc" and q.localname not in _DC_ELEMENTS:
                # UndefinedElement: a Dublin Core name DC does not define
                feed.log("UndefinedElement", child.sourceline, f"{name} in feed")
            elif prefix == "content":
                # UndefinedElement: content: module elements belong in RSS items
                feed.log("UndefinedElement", child.sourceline, f"{name} in feed")
            continue
        if name == "id":
            _check_atom_id(feed, child)
        elif name == "updated":
            _check_rfc3339(feed, child)
        elif name in ("title", "subtitle", "rights"):
            _check_text_construct(feed, child)
        elif name == "link":
            link = _check_link(feed, child, "feed")
            if not head_done:
                links.append(link)
        elif name in ("author", "contributor"):
            _check_person(feed, child)
        elif name == "category":
            _check_category(feed, child)
        elif name == "generator":
            _check_attributes(feed, child, {"uri", "version"}, False)
            if child.get("uri") is not None:
                _check_uri(feed, child, child.get("uri"), "generator uri", error="InvalidURIAttribute")
            _check_blank(feed, child, (child.text or "").strip())
        elif name in ("icon", "logo"):
            value = child.text or ""
            _check_blank(feed, child, value.strip())
            if value != value.strip():
                # UnexpectedWhitespace
                feed.log("UnexpectedWhitespace", child.sourceline, name)
            _check_uri(feed, child, value.strip(), name)
        else:
            # UndefinedElement: not an Atom feed element
            feed.log("UndefinedElement", child.sourceline, f"{name} in feed")
    if not head_done:
        _check_feed_head(feed, root, head, links)
    if len(entries) > 9 and len(set(ids)) == 1:
        feed.found = [f for f in feed.found if f[0] != "DuplicateEntries"]
        # DuplicateIds: every entry has the same id
        feed.log("DuplicateIds", root.sourceline, f"all {len(entries)} entries share id {ids[0]}")


def _check_feed_head(feed, root, head, links):
    """What the service checks when it reaches the first entry (or the end of an empty feed).

    Only the elements and links *before* the first entry count here.
    """
    for required in ("title", "id", "updated"):
        if required not in head:
            # MissingElement: atom:feed needs title, id and updated (before the entries)
            feed.log("MissingElement", root.sourceline, f"feed has no {required}")
    complete = "fh:complete" in head
    archive = "fh:archive" in head
    if complete:
        for link in links:
            if link.rel not in _RFC5005_RELATIONS:
                continue
            if link.rel == "current":
                here = urljoin(_base_of(link.el, feed.url), link.href)
                selves = feed.self_uris or []
                if _canonical(here) not in {_canonical(u) for u in selves}:
                    # CurrentNotSelfInCompleteFeed: in an fh:complete feed, "current" may only be itself
                    feed.log("CurrentNotSelfInCompleteFeed", link.el.sourceline, f"current={link.href}")
            else:
                # FeedRelInCompleteFeed: an fh:complete feed has no other pages
                feed.log("FeedRelInCompleteFeed", link.el.sourceline, f"rel={link.rel!r} in a complete feed")
    if not any(link.rel == "self" for link in links):
        # MissingSelf: atom:feed without link rel="self" (before the entries)
        feed.log("MissingSelf", root.sourceline, "feed has no link rel=self")
    selves = {_canonical(u) for u in feed.self_uris}
    for link in links:
        if link.rel in ("first", "last") and _canonical(urljoin(_base_of(link.el, feed.url), link.href)) in selves:
            beyond = "previous" if link.rel == "first" else "next"
            if any(other.rel == beyond for other in links):
                # LinkPastEnd: the first page links to a previous one (or the last to a next)
                feed.log("LinkPastEnd", link.el.sourceline, f"{beyond} link in {link.rel} page")
    alternates = {}
    for link in links:
        if link.rel != "alternate":
            continue
        key = (link.type, link.hreflang)
        if key in alternates:
            # DuplicateAtomLink: two alternate links with the same type and hreflang
            feed.log("DuplicateAtomLink", link.el.sourceline, "type={0!r} hreflang={1!r}".format(*key))
        alternates[key] = True
    if archive:
        paged = any(link.rel in ("prev-archive", "next-archive") for link in links)
        if not paged and not complete:
            # ArchiveIncomplete: an fh:archive document with neither prev-archive nor
            # next-archive (before the entries) and no fh:complete
            feed.log(
                "ArchiveIncomplete", root.sourceline, "fh:archive without prev-archive, next-archive or fh:complete"
            )
        if not any(link.rel == "current" for link in links) and not complete:
            # MissingCurrentInArchive: an archive document should link to its subscription document
            feed.log("MissingCurrentInArchive", root.sourceline, "fh:archive without a current link")


def _check_atom_id(feed, el):
    raw = el.text or ""
    value = raw.strip()
    if raw != value:
        # UnexpectedWhitespace: ids allow no surrounding whitespace
        feed.log("UnexpectedWhitespace", el.sourceline, _name(el))
    if _check_uri(feed, el, value, "id", full=True, iri=True, error="InvalidFullLink"):
        canonical = _canonical(value)
        if canonical != value:
            # NonCanonicalURI: compare ids character by character, so write them normalised
            feed.log("NonCanonicalURI", el.sourceline, f"id {raw!r} (canonical {canonical!r})")
    return value


def _check_text_construct(feed, el, content=False):
    name = _name(el) if lxml.etree.QName(el).namespace != ATOM else lxml.etree.QName(el).localname
    src = el.get("src")
    kind = "" if src is not None else "text"
    _check_attributes(feed, el, {"type", "src"} if content else {"type"}, False)
    if el.get("type") is not None:
        kind = el.get("type")
        if not kind:
            # AttrNotBlank: type=""
            feed.log("AttrNotBlank", el.sourceline, "type of " + name)
    if not content and "/" in kind:
        # InvalidTextType: title/subtitle/summary/rights take text, html or xhtml
        feed.log("InvalidTextType", el.sourceline, f"{name} type={kind!r}")
    if content and kind == "multipart/alternative":
        # InvalidMIMEType: multipart/alternative is not allowed as Atom content
        feed.log("InvalidMIMEType", el.sourceline, "content type multipart/alternative")
    if src is not None:
        _check_uri(feed, el, src, "src", error="InvalidURIAttribute")
        if el.get("type") is None:
            # MissingTypeAttr: content with src needs a type
            feed.log("MissingTypeAttr", el.sourceline, "content src without type")
    if kind not in ("text", "html", "xhtml", "") and not _MIME.match(kind):
        # InvalidMIMEType: type is neither text/html/xhtml nor a media type
        feed.log("InvalidMIMEType", el.sourceline, f"{name} type={kind!r}")
    children = _children(el)
    xmlish = kind == "xhtml" or kind.endswith("+xml") or kind.endswith("/xml")
    if children and not xmlish:
        # UndefinedElement: markup inside a text/html construct must be escaped
        feed.log("UndefinedElement", el.sourceline, f"{_name(children[0])} inside {name}")
    value = el.text or ""
    if kind == "xhtml":
        div = children[0] if children else None
        if (
            div is None
            or lxml.etree.QName(div).namespace != XHTML
            or lxml.etree.QName(div).localname != "div"
            or (el.text or "").strip()
        ):
            # MissingXhtmlDiv: type="xhtml" content must be one xhtml:div
            feed.log("MissingXhtmlDiv", el.sourceline, name)
        else:
            _check_xhtml(feed, div, name)
            value = _text(div)
    elif kind == "text":
        _check_plain(feed, el, value, message="ContainsUndeclaredHTML", what=name)
    elif kind == "html" or kind.endswith("/html"):
        _check_html(feed, el, value, what=name)
        if kind.endswith("/html") and "<html" not in value and src is None:
            # HtmlFragment: text/html type for a fragment (use type="html")
            feed.log("HtmlFragment", el.sourceline, name)
    elif kind and "/" in kind and not (xmlish or kind.startswith("text/")):
        import base64
        import binascii

        try:
            base64.b64decode(value.encode("ascii"), validate=False)
        except (binascii.Error, UnicodeError):
            # NotBase64: binary content must be base64
            feed.log("NotBase64", el.sourceline, name)
    elif kind and not xmlish:
        _check_plain(feed, el, value, message="ContainsUndeclaredHTML", what=name)
    if not value and not children and src is None:
        # NotBlank: empty title, subtitle, summary or content
        feed.log("NotBlank", el.sourceline, name)
    return kind


def _check_xhtml(feed, div, what):
    for el in div.iter(lxml.etree.Element):
        q = lxml.etree.QName(el)
        if el is div:
            continue
        if not q.namespace:
            # MissingNamespace: an unqualified element inside xhtml:div
            feed.log("MissingNamespace", el.sourceline, f"{q.localname} in xhtml:div")
        elif q.namespace == XHTML:
            if q.localname not in _HTML_TAGS:
                # NotHtml "Non-XHTML element"
                feed.log("NotHtml", el.sourceline, f"{what}: Non-XHTML element {q.localname}")
            elif q.localname in _RISKY_TAGS:
                # SecurityRisk
                feed.log("SecurityRisk", el.sourceline, f"{what} should not contain <{q.localname}>")
            for attr, value in el.attrib.items():
                if lxml.etree.QName(attr).namespace:
                    continue
                if attr == "style":
                    for evil in _check_css(value):
                        # DangerousStyleAttr
                        feed.log("DangerousStyleAttr", el.sourceline, f"{what} style {evil!r}")
                elif attr.startswith("on"):
                    # SecurityRiskAttr: in xhtml content only event handlers are flagged
                    feed.log("SecurityRiskAttr", el.sourceline, f"{what} should not contain {attr} attribute")


def _check_person(feed, el):
    _check_unexpected_text(feed, el)
    names = []
    for child in _children(el):
        q = lxml.etree.QName(child)
        if q.namespace != ATOM:
            continue
        if q.localname in ("name", "email", "uri"):
            _count(feed, child, names, q.localname)
        value = child.text or ""
        if q.localname == "name":
            _check_plain(feed, child, value.strip(), what="name")
            if _EMAIL_IN_TEXT.search(value):
                # ContainsEmail: keep e-mail addresses out of names
                feed.log("ContainsEmail", child.sourceline, "name")
            _check_blank(feed, child, value.strip(), "name")
        elif q.localname == "email":
            if not _EMAIL.match(value.strip()):
                # InvalidAddrSpec: atom:email must be an e-mail address
                feed.log("InvalidAddrSpec", child.sourceline, f"email {value!r}")
        elif q.localname == "uri":
            _check_blank(feed, child, value.strip(), "uri")
            if value != value.strip():
                # UnexpectedWhitespace: uri allows no surrounding whitespace
                feed.log("UnexpectedWhitespace", child.sourceline, "uri")
            _check_uri(feed, child, value.strip(), "uri", iri=True, error="InvalidIRI")
        else:
            # UndefinedElement
            feed.log("UndefinedElement", child.sourceline, f"{q.localname} in {_name(el)}")
    if "name" not in names:
        # MissingElement: a person construct needs a name
        feed.log("MissingElement", el.sourceline, f"{lxml.etree.QName(el).localname} has no name")


def _check_category(feed, el):
    _check_attributes(feed, el, {"term", "scheme", "label"}, False)
    if el.get("term") is None:
        # MissingAttribute: atom:category needs term
        feed.log("MissingAttribute", el.sourceline, "category term")
    else:
        _check_blank(feed, el, el.get("term"), "term")
    if el.get("scheme") is not None:
        _check_uri(feed, el, el.get("scheme"), "scheme", full=True, iri=True, error="InvalidFullLink")
    if el.get("label") is not None:
        _check_plain(feed, el, el.get("label"), what="category label")


def _check_entry(feed, entry, feed_head, ids, updated):
    _check_unexpected_text(feed, entry)
    _check_attributes(feed, entry, set(), False)
    seen, links, content = [], [], None
    for child in _children(entry):
        q = lxml.etree.QName(child)
        prefix = _prefix(q.namespace)
        if not q.namespace:
            # UndeterminableVocabulary: an element in no namespace inside an Atom entry
            feed.log("UndeterminableVocabulary", child.sourceline, f"{q.localname} in entry")
            continue
        if not prefix:
            continue
        if q.namespace != ATOM:
            seen.append(_name(child))
            if prefix == "fh" or (prefix == "dc" and q.localname not in _DC_ELEMENTS) or prefix == "content":
                # UndefinedElement: e.g. fh:archive inside an entry
                feed.log("UndefinedElement", child.sourceline, f"{_name(child)} in entry")
            continue
        name = q.localname
        if name in _ATOM_ENTRY_ONCE:
            _count(feed, child, seen, name)
        else:
            seen.append(name)
        if name == "id":
            value = _check_atom_id(feed, child)
            if value in ids:
                # DuplicateEntries: two entries with the same id
                feed.log("DuplicateEntries", child.sourceline, f"id {value}")
            ids.append(value)
        elif name in ("updated", "published"):
            _check_rfc3339(feed, child)
            if name == "updated":
                value = (child.text or "").strip()
                if value in updated:
                    # DuplicateUpdated: two entries with the same atom:updated
                    feed.log("DuplicateUpdated", child.sourceline, f"updated {value}")
                elif value:
                    updated.append(value)
        elif name in ("title", "summary", "rights"):
            _check_text_construct(feed, child)
        elif name == "content":
            content = child
            _check_text_construct(feed, child, content=True)
        elif name == "link":
            links.append(_check_link(feed, child, "entry"))
        elif name in ("author", "contributor"):
            _check_person(feed, child)
        elif name == "category":
            _check_category(feed, child)
        elif name == "source":
            pass  # a copied feed head; its own rules are out of scope
        else:
            # UndefinedElement: not an Atom entry element
            feed.log("UndefinedElement", child.sourceline, f"{name} in entry")
    for required in ("title", "id", "updated"):
        if required not in seen:
            # MissingElement: atom:entry needs title, id and updated
            feed.log("MissingElement", entry.sourceline, f"entry has no {required}")
    if "author" not in seen and "author" not in feed_head:
        # MissingElement: an entry needs an author unless the feed (before its entries) has one
        feed.log("MissingElement", entry.sourceline, "entry has no author (and the feed has none)")
    if content is not None:
        if "summary" not in seen:
            kind = content.get("type", "text")
            if content.get("src") is not None or (
                "/" in kind and not (kind.endswith("+xml") or kind.endswith("/xml") or kind.startswith("text/"))
            ):
                # MissingSummary: out-of-line or binary content needs a summary
                feed.log("MissingSummary", entry.sourceline, "entry content is not textual")
    else:
        if "summary" not in seen:
            # MissingTextualContent: no content and no summary
            feed.log("MissingTextualContent", entry.sourceline, "entry has neither content nor summary")
        if not any(link.rel == "alternate" for link in links):
            # MissingContentOrAlternate: without content an entry needs an alternate link
            feed.log("MissingContentOrAlternate", entry.sourceline, "entry has no content and no alternate link")
    alternates = {}
    for link in links:
        if link.rel == "alternate":
            key = (link.type, link.hreflang)
            if key in alternates:
                # DuplicateAtomLink
                feed.log("DuplicateAtomLink", link.el.sourceline, "type={0!r} hreflang={1!r}".format(*key))
            alternates[key] = True
