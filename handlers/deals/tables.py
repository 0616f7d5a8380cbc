"""Fixed word tables of deal registration: currencies, public suffixes, legal forms."""

from __future__ import annotations


def _table(words: str) -> frozenset[str]:
    return frozenset(words.split())


# ISO 4217 active codes (fixed table; funds and precious-metal codes left out).
CURRENCIES = _table(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD
    BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
    ZWL"""
)
MULTI_PART_SUFFIXES = _table(
    """co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk com.au net.au org.au edu.au
    gov.au co.nz org.nz net.nz co.jp ne.jp or.jp ac.jp co.za org.za com.br net.br org.br
    com.cn net.cn org.cn com.mx com.ar com.tr com.sg com.hk com.tw co.in net.in org.in
    co.kr or.kr co.il org.il com.my co.id co.th com.ph com.vn com.pl com.es com.sa com.eg
    com.ng co.ke"""
)
#: Words dropped from a company name before comparing (legal forms, "the").
LEGAL_WORDS = _table(
    """the inc incorporated corp corporation co company ltd limited llc llp plc gmbh ag sa
    sas sarl srl spa bv nv pty oy ab as kk group holdings"""
)
