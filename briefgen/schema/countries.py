"""ISO 3166-1 alpha-2 country codes, shipped with briefgen: a code must be one assigned.

Why a list and not a pattern: `^[A-Z]{2}$` let `XX` or `UK` through while the message
promised ISO 3166. Generated from Debian's iso-codes 4.15.0 (`iso_3166-1.json`, the data
pycountry ships), plus XK (Kosovo: user-assigned, but what the EU, the IMF and most
briefings use). `suggest` turns a wrong code into the likely right one: from the country
name next to it, or from a well-known mix-up (UK for GB, EL for GR).
"""

from __future__ import annotations

import difflib

# "CODE short name|" entries; the short name is iso-codes' common name where it has one.
_TABLE = """\
AD Andorra|AE United Arab Emirates|AF Afghanistan|AG Antigua and Barbuda|AI Anguilla|
AL Albania|AM Armenia|AO Angola|AQ Antarctica|AR Argentina|AS American Samoa|AT Austria|
AU Australia|AW Aruba|AX Åland Islands|AZ Azerbaijan|BA Bosnia and Herzegovina|BB Barbados|
BD Bangladesh|BE Belgium|BF Burkina Faso|BG Bulgaria|BH Bahrain|BI Burundi|BJ Benin|
BL Saint Barthélemy|BM Bermuda|BN Brunei Darussalam|BO Bolivia|
BQ Bonaire, Sint Eustatius and Saba|BR Brazil|BS Bahamas|BT Bhutan|BV Bouvet Island|
BW Botswana|BY Belarus|BZ Belize|CA Canada|CC Cocos (Keeling) Islands|
CD Congo, The Democratic Republic of the|CF Central African Republic|CG Congo|
CH Switzerland|CI Côte d'Ivoire|CK Cook Islands|CL Chile|CM Cameroon|CN China|CO Colombia|
CR Costa Rica|CU Cuba|CV Cabo Verde|CW Curaçao|CX Christmas Island|CY Cyprus|CZ Czechia|
DE Germany|DJ Djibouti|DK Denmark|DM Dominica|DO Dominican Republic|DZ Algeria|EC Ecuador|
EE Estonia|EG Egypt|EH Western Sahara|ER Eritrea|ES Spain|ET Ethiopia|FI Finland|FJ Fiji|
FK Falkland Islands (Malvinas)|FM Micronesia, Federated States of|FO Faroe Islands|
FR France|GA Gabon|GB United Kingdom|GD Grenada|GE Georgia|GF French Guiana|GG Guernsey|
GH Ghana|GI Gibraltar|GL Greenland|GM Gambia|GN Guinea|GP Guadeloupe|GQ Equatorial Guinea|
GR Greece|GS South Georgia and the South Sandwich Islands|GT Guatemala|GU Guam|
GW Guinea-Bissau|GY Guyana|HK Hong Kong|HM Heard Island and McDonald Islands|HN Honduras|
HR Croatia|HT Haiti|HU Hungary|ID Indonesia|IE Ireland|IL Israel|IM Isle of Man|IN India|
IO British Indian Ocean Territory|IQ Iraq|IR Iran|IS Iceland|IT Italy|JE Jersey|JM Jamaica|
JO Jordan|JP Japan|KE Kenya|KG Kyrgyzstan|KH Cambodia|KI Kiribati|KM Comoros|
KN Saint Kitts and Nevis|KP North Korea|KR South Korea|KW Kuwait|KY Cayman Islands|
KZ Kazakhstan|LA Laos|LB Lebanon|LC Saint Lucia|LI Liechtenstein|LK Sri Lanka|LR Liberia|
LS Lesotho|LT Lithuania|LU Luxembourg|LV Latvia|LY Libya|MA Morocco|MC Monaco|MD Moldova|
ME Montenegro|MF Saint Martin (French part)|MG Madagascar|MH Marshall Islands|
MK North Macedonia|ML Mali|MM Myanmar|MN Mongolia|MO Macao|MP Northern Mariana Islands|
MQ Martinique|MR Mauritania|MS Montserrat|MT Malta|MU Mauritius|MV Maldives|MW Malawi|
MX Mexico|MY Malaysia|MZ Mozambique|NA Namibia|NC New Caledonia|NE Niger|NF Norfolk Island|
NG Nigeria|NI Nicaragua|NL Netherlands|NO Norway|NP Nepal|NR Nauru|NU Niue|NZ New Zealand|
OM Oman|PA Panama|PE Peru|PF French Polynesia|PG Papua New Guinea|PH Philippines|
PK Pakistan|PL Poland|PM Saint Pierre and Miquelon|PN Pitcairn|PR Puerto Rico|
PS Palestine, State of|PT Portugal|PW Palau|PY Paraguay|QA Qatar|RE Réunion|RO Romania|
RS Serbia|RU Russian Federation|RW Rwanda|SA Saudi Arabia|SB Solomon Islands|SC Seychelles|
SD Sudan|SE Sweden|SG Singapore|SH Saint Helena, Ascension and Tristan da Cunha|SI Slovenia|
SJ Svalbard and Jan Mayen|SK Slovakia|SL Sierra Leone|SM San Marino|SN Senegal|SO Somalia|
SR Suriname|SS South Sudan|ST Sao Tome and Principe|SV El Salvador|
SX Sint Maarten (Dutch part)|SY Syria|SZ Eswatini|TC Turks and Caicos Islands|TD Chad|
TF French Southern Territories|TG Togo|TH Thailand|TJ Tajikistan|TK Tokelau|TL Timor-Leste|
TM Turkmenistan|TN Tunisia|TO Tonga|TR Türkiye|TT Trinidad and Tobago|TV Tuvalu|TW Taiwan|
TZ Tanzania|UA Ukraine|UG Uganda|UM United States Minor Outlying Islands|US United States|
UY Uruguay|UZ Uzbekistan|VA Holy See (Vatican City State)|
VC Saint Vincent and the Grenadines|VE Venezuela|VG Virgin Islands, British|
VI Virgin Islands, U.S.|VN Vietnam|VU Vanuatu|WF Wallis and Futuna|WS Samoa|XK Kosovo|
YE Yemen|YT Mayotte|ZA South Africa|ZM Zambia|ZW Zimbabwe|
"""
# "other name=CODE|": ISO's and the official names, and a few everyday ones.
_OTHER = """\
Arab Republic of Egypt=EG|Argentine Republic=AR|Bolivarian Republic of Venezuela=VE|
Bolivia, Plurinational State of=BO|Britain=GB|British Virgin Islands=VG|Burma=MM|
Cape Verde=CV|Commonwealth of Dominica=DM|Commonwealth of the Bahamas=BS|
Commonwealth of the Northern Mariana Islands=MP|Czech Republic=CZ|
Democratic People's Republic of Korea=KP|Democratic Republic of Sao Tome and Principe=ST|
Democratic Republic of Timor-Leste=TL|Democratic Socialist Republic of Sri Lanka=LK|
East Timor=TL|Eastern Republic of Uruguay=UY|Federal Democratic Republic of Ethiopia=ET|
Federal Democratic Republic of Nepal=NP|Federal Republic of Germany=DE|
Federal Republic of Nigeria=NG|Federal Republic of Somalia=SO|
Federated States of Micronesia=FM|Federative Republic of Brazil=BR|French Republic=FR|
Gabonese Republic=GA|Grand Duchy of Luxembourg=LU|Great Britain=GB|
Hashemite Kingdom of Jordan=JO|Hellenic Republic=GR|Holland=NL|
Hong Kong Special Administrative Region of China=HK|
Independent State of Papua New Guinea=PG|Independent State of Samoa=WS|
Iran, Islamic Republic of=IR|Islamic Republic of Afghanistan=AF|Islamic Republic of Iran=IR|
Islamic Republic of Mauritania=MR|Islamic Republic of Pakistan=PK|Italian Republic=IT|
Ivory Coast=CI|Kingdom of Bahrain=BH|Kingdom of Belgium=BE|Kingdom of Bhutan=BT|
Kingdom of Cambodia=KH|Kingdom of Denmark=DK|Kingdom of Eswatini=SZ|Kingdom of Lesotho=LS|
Kingdom of Morocco=MA|Kingdom of Norway=NO|Kingdom of Saudi Arabia=SA|Kingdom of Spain=ES|
Kingdom of Sweden=SE|Kingdom of Thailand=TH|Kingdom of Tonga=TO|
Kingdom of the Netherlands=NL|Korea, Democratic People's Republic of=KP|
Korea, Republic of=KR|Kyrgyz Republic=KG|Lao People's Democratic Republic=LA|
Lebanese Republic=LB|Macao Special Administrative Region of China=MO|Macedonia=MK|
Moldova, Republic of=MD|People's Democratic Republic of Algeria=DZ|
People's Republic of Bangladesh=BD|People's Republic of China=CN|
Plurinational State of Bolivia=BO|Portuguese Republic=PT|Principality of Andorra=AD|
Principality of Liechtenstein=LI|Principality of Monaco=MC|Republic of Albania=AL|
Republic of Angola=AO|Republic of Armenia=AM|Republic of Austria=AT|
Republic of Azerbaijan=AZ|Republic of Belarus=BY|Republic of Benin=BJ|
Republic of Bosnia and Herzegovina=BA|Republic of Botswana=BW|Republic of Bulgaria=BG|
Republic of Burundi=BI|Republic of Cabo Verde=CV|Republic of Cameroon=CM|
Republic of Chad=TD|Republic of Chile=CL|Republic of Colombia=CO|Republic of Costa Rica=CR|
Republic of Croatia=HR|Republic of Cuba=CU|Republic of Cyprus=CY|
Republic of Côte d'Ivoire=CI|Republic of Djibouti=DJ|Republic of Ecuador=EC|
Republic of El Salvador=SV|Republic of Equatorial Guinea=GQ|Republic of Estonia=EE|
Republic of Fiji=FJ|Republic of Finland=FI|Republic of Ghana=GH|Republic of Guatemala=GT|
Republic of Guinea=GN|Republic of Guinea-Bissau=GW|Republic of Guyana=GY|
Republic of Haiti=HT|Republic of Honduras=HN|Republic of Iceland=IS|Republic of India=IN|
Republic of Indonesia=ID|Republic of Iraq=IQ|Republic of Kazakhstan=KZ|Republic of Kenya=KE|
Republic of Kiribati=KI|Republic of Latvia=LV|Republic of Liberia=LR|
Republic of Lithuania=LT|Republic of Madagascar=MG|Republic of Malawi=MW|
Republic of Maldives=MV|Republic of Mali=ML|Republic of Malta=MT|Republic of Mauritius=MU|
Republic of Moldova=MD|Republic of Mozambique=MZ|Republic of Myanmar=MM|
Republic of Namibia=NA|Republic of Nauru=NR|Republic of Nicaragua=NI|
Republic of North Macedonia=MK|Republic of Palau=PW|Republic of Panama=PA|
Republic of Paraguay=PY|Republic of Peru=PE|Republic of Poland=PL|Republic of San Marino=SM|
Republic of Senegal=SN|Republic of Serbia=RS|Republic of Seychelles=SC|
Republic of Sierra Leone=SL|Republic of Singapore=SG|Republic of Slovenia=SI|
Republic of South Africa=ZA|Republic of South Sudan=SS|Republic of Suriname=SR|
Republic of Tajikistan=TJ|Republic of Trinidad and Tobago=TT|Republic of Tunisia=TN|
Republic of Türkiye=TR|Republic of Uganda=UG|Republic of Uzbekistan=UZ|
Republic of Vanuatu=VU|Republic of Yemen=YE|Republic of Zambia=ZM|Republic of Zimbabwe=ZW|
Republic of the Congo=CG|Republic of the Gambia=GM|Republic of the Marshall Islands=MH|
Republic of the Niger=NE|Republic of the Philippines=PH|Republic of the Sudan=SD|Russia=RU|
Rwandese Republic=RW|Slovak Republic=SK|Socialist Republic of Viet Nam=VN|
State of Israel=IL|State of Kuwait=KW|State of Qatar=QA|Sultanate of Oman=OM|Swaziland=SZ|
Swiss Confederation=CH|Syrian Arab Republic=SY|Taiwan, Province of China=TW|
Tanzania, United Republic of=TZ|Togolese Republic=TG|Turkey=TR|USA=US|
Union of the Comoros=KM|United Kingdom of Great Britain and Northern Ireland=GB|
United Mexican States=MX|United Republic of Tanzania=TZ|United States of America=US|
Vatican=VA|Venezuela, Bolivarian Republic of=VE|Viet Nam=VN|
Virgin Islands of the United States=VI|the State of Eritrea=ER|the State of Palestine=PS|
"""

COUNTRIES: dict[str, str] = dict(
    e.split(" ", 1) for e in _TABLE.replace("\n", "").split("|") if e
)
_NAMES: dict[str, str] = {n.casefold(): c for c, n in COUNTRIES.items()} | {
    n.casefold(): c for n, c in (e.split("=") for e in _OTHER.replace("\n", "").split("|") if e)
}
_MIX_UPS = {"UK": "GB", "EL": "GR", "EN": "GB", "SP": "ES"}


def suggest(code: str, name: str | None = None) -> str | None:
    """The assigned code a sheet probably meant by CODE, as "FI (Finland)", or None.

    NAME (the country named next to the code) wins: it says which country is meant.
    """
    if name:
        key = " ".join(name.split()).casefold()
        close = difflib.get_close_matches(key, list(_NAMES), n=1, cutoff=0.8)
        found = _NAMES.get(key) or (_NAMES[close[0]] if close else None)
        if found:
            return f"{found} ({COUNTRIES[found]})"
    found = _MIX_UPS.get(code)
    return f"{found} ({COUNTRIES[found]})" if found else None
