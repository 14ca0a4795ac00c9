"""Legal and institutional facts behind the SSE columns of the default world.

No data set measures the maturity of the social and solidarity economy (SSE)
or the legal recognition of co-operatives by country (see
``../shared/data/world/SOURCES.md``, "Not found / dropped").  The columns
``sse_maturity``, ``coop_recognition``, ``legal_family`` and (through them)
``legal_compat`` are therefore ASSUMPTIONS of ssesim, built by a points rule
from the facts listed here.  ``derive_world.py`` imports this module, applies
the rule and prints every fact, point and note into the generated SOURCES.md,
so a reader can check each one and challenge it.

Conventions
-----------
* State of the law on CUTOFF (the World Bank reference year of the tables).
  Later laws are mentioned in a note but score nothing.
* Points are 1, 0.5 or 0, as each criterion below defines them (0.5 is
  typically "sub-national only" or "a weaker form").
* Where a fact could not be checked with confidence, the country scores the
  lower value and the text says "conservative" (and what was not counted).  Nothing here is a measured
  size of the SSE; DOMAIN.md section 5 gives the few sizes the seeds have.
* Text must not contain '|' (it goes into Markdown tables).
"""

CUTOFF = "31 December 2022"

# --------------------------------------------------------------------------
# coop_recognition: legal recognition of co-operatives and SSE legal forms
# --------------------------------------------------------------------------
# R1 co-operative law: 1 = a general co-operative law covering all sectors;
#    0.5 = only sectoral co-op laws, or only sub-national statutes.
# R2 worker co-operatives: 1 = a worker (or workers') co-operative form or
#    class named in national law; 0.5 = in sub-national law only.
# R3 social / multi-stakeholder co-operative or an SSE status open to
#    co-operatives in national law: 1 = yes; 0.5 = sub-national only.
# coop_recognition = (R1 + R2 + R3) / 3.

COOP_CRITERIA = (
    ("R1", "general co-operative law (all sectors); 0.5 = sectoral or sub-national only"),
    ("R2", "worker co-operative form or class in national law; 0.5 = sub-national only"),
    ("R3", "social or multi-stakeholder co-operative form, or SSE status open to co-ops; 0.5 = sub-national only"),
)

COOP = {
    "ESP": dict(
        R1=(1, "Ley 27/1999, de 16 de julio, de Cooperativas (and regional co-op laws)"),
        R2=(1, "cooperativas de trabajo asociado (Ley 27/1999)"),
        R3=(1, "cooperativas de iniciativa social (Ley 27/1999)"),
    ),
    "FRA": dict(
        R1=(1, "Loi n° 47-1775 du 10 septembre 1947 portant statut de la coopération"),
        R2=(1, "SCOP, Loi n° 78-763 du 19 juillet 1978"),
        R3=(1, "SCIC, Loi n° 2001-624 du 17 juillet 2001"),
    ),
    "ITA": dict(
        R1=(1, "Codice civile, artt. 2511 ss. (società cooperative); Costituzione art. 45"),
        R2=(1, "cooperative di produzione e lavoro; Legge 142/2001 (socio lavoratore)"),
        R3=(1, "cooperative sociali, Legge 8 novembre 1991, n. 381"),
    ),
    "GBR": dict(
        R1=(1, "Co-operative and Community Benefit Societies Act 2014"),
        R2=(0, "no dedicated worker-co-op form (registered as co-op societies or companies)"),
        R3=(1, "community benefit society (2014 Act)"),
    ),
    "NLD": dict(
        R1=(1, "Burgerlijk Wetboek Boek 2, art. 2:53 ff. (coöperatie)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "BEL": dict(
        R1=(1, "Code des sociétés et des associations (2019), book 6: société coopérative"),
        R2=(0, "none"),
        R3=(1, "agrément entreprise sociale for co-operatives (CSA 2019)"),
    ),
    "DEU": dict(
        R1=(1, "Genossenschaftsgesetz (GenG, 1889)"),
        R2=(0, "none"),
        R3=(0, "none ('Sozialgenossenschaft' is a usage, not a legal form)"),
    ),
    "PRT": dict(
        R1=(1, "Código Cooperativo, Lei n.º 119/2015"),
        R2=(1, "ramo produção operária (Código Cooperativo)"),
        R3=(1, "cooperativas de solidariedade social (ramo solidariedade social)"),
    ),
    "CAN": dict(
        R1=(1, "Canada Cooperatives Act (S.C. 1998, c. 1) and provincial co-op acts"),
        R2=(0.5, "Québec worker co-operatives (Loi sur les coopératives), provincial only"),
        R3=(0.5, "Québec coopérative de solidarité, provincial only"),
    ),
    "USA": dict(
        R1=(0.5, "state co-op statutes only; federal law covers taxation (Subchapter T) and agricultural co-ops (Capper-Volstead Act 1922)"),
        R2=(0.5, "state worker-co-op statutes only (e.g. Massachusetts G.L. c. 157A)"),
        R3=(0, "none"),
    ),
    "MEX": dict(
        R1=(1, "Ley General de Sociedades Cooperativas (1994)"),
        R2=(1, "sociedades cooperativas de productores (LGSC)"),
        R3=(0, "none"),
    ),
    "BRA": dict(
        R1=(1, "Lei n.º 5.764/1971 (cooperativas); Constituição art. 174 § 2"),
        R2=(1, "cooperativas de trabalho, Lei n.º 12.690/2012"),
        R3=(1, "cooperativas sociais, Lei n.º 9.867/1999"),
    ),
    "ARG": dict(
        R1=(1, "Ley 20.337 de Cooperativas (1973)"),
        R2=(1, "cooperativas de trabajo (regulated by INAES)"),
        R3=(0, "none"),
    ),
    "PER": dict(
        R1=(1, "Ley General de Cooperativas (TUO, D.S. 074-90-TR)"),
        R2=(1, "cooperativas de trabajadores (Ley General de Cooperativas)"),
        R3=(0, "none"),
    ),
    "COL": dict(
        R1=(1, "Ley 79 de 1988 (cooperativas)"),
        R2=(1, "cooperativas de trabajo asociado (Ley 79/1988)"),
        R3=(0, "none"),
    ),
    "IND": dict(
        R1=(1, "Multi-State Co-operative Societies Act 2002 and state co-op acts; Constitution art. 19(1)(c) (97th Amendment, 2011)"),
        R2=(0, "none at national level"),
        R3=(0, "none"),
    ),
    "KOR": dict(
        R1=(1, "Framework Act on Cooperatives (2012) and sectoral co-op acts"),
        R2=(0, "no separate worker-co-op form (conservative)"),
        R3=(1, "social co-operatives (Framework Act on Cooperatives, 2012)"),
    ),
    "AUS": dict(
        R1=(1, "Co-operatives National Law (adopted by the states from 2014)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "SEN": dict(
        R1=(1, "OHADA Uniform Act on co-operative societies (Acte uniforme relatif au droit des sociétés coopératives, 2010)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "BFA": dict(
        R1=(1, "OHADA Uniform Act on co-operative societies (2010)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "KEN": dict(
        R1=(1, "Co-operative Societies Act (Cap. 490); Sacco Societies Act 2008"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "ZAF": dict(
        R1=(1, "Co-operatives Act 14 of 2005 (amended 2013)"),
        R2=(1, "worker co-operatives (Co-operatives Act 2005)"),
        R3=(0, "none counted (conservative)"),
    ),
    "CHN": dict(
        R1=(0.5, "sectoral only: Law on Farmers' Specialized Cooperatives (2006, revised 2017)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "JPN": dict(
        R1=(0.5, "sectoral laws only (agricultural, consumer, SME, fishery co-ops); no general co-op law"),
        R2=(1, "Workers Cooperatives Act (Act No. 78 of 2020, in force 1 October 2022)"),
        R3=(0, "none"),
    ),
    "ECU": dict(
        R1=(1, "Ley Orgánica de Economía Popular y Solidaria (LOEPS, 2011), co-operative sector"),
        R2=(0, "none counted: a worker-co-op class under LOEPS not verified (conservative)"),
        R3=(0, "none"),
    ),
    "NIC": dict(
        R1=(1, "Ley General de Cooperativas, Ley 499 (2004)"),
        R2=(0, "none counted (conservative)"),
        R3=(0, "none"),
    ),
    "CHL": dict(
        R1=(1, "Ley General de Cooperativas, texto refundido DFL N° 5 de 2003 (Ley 19.832)"),
        R2=(1, "cooperativas de trabajo (Ley General de Cooperativas)"),
        R3=(0, "none"),
    ),
    "URY": dict(
        R1=(1, "Ley 18.407 de 2008, Sistema Cooperativo (general co-op law)"),
        R2=(1, "cooperativas de trabajo (Ley 18.407)"),
        R3=(1, "cooperativas sociales (created 2006, now in Ley 18.407; MIDES)"),
    ),
    "GTM": dict(
        R1=(1, "Ley General de Cooperativas, Decreto 82-78 (1978), applies to all co-ops"),
        R2=(0, "none counted: no worker-co-op class verified in Decreto 82-78 (conservative)"),
        R3=(0, "none"),
    ),
    "HND": dict(
        R1=(1, "Ley de Cooperativas de Honduras, Decreto 65-87 (reformed by Decreto 174-2013)"),
        R2=(0, "none counted: a worker-co-op class not verified (conservative)"),
        R3=(0, "none counted; the social-sector-of-the-economy law covers co-ops but creates no separate status (as MEX)"),
    ),
    "BOL": dict(
        R1=(1, "Ley General de Cooperativas, Ley 356 de 11 de abril de 2013; reglamento D.S. 1995 (2014)"),
        R2=(0, "none counted: a worker-co-op class under Ley 356 not verified (conservative)"),
        R3=(0, "none"),
    ),
    "DOM": dict(
        R1=(1, "Ley 127-64 de 27 de enero de 1964 sobre Asociaciones Cooperativas"),
        R2=(0, "none counted (conservative)"),
        R3=(0, "none"),
    ),
    "CZE": dict(
        R1=(1, "Zákon č. 90/2012 Sb., o obchodních korporacích (Business Corporations Act), družstvo from § 552"),
        R2=(0, "none (producer co-operatives are a tradition, not a class in Act 90/2012)"),
        R3=(1, "sociální družstvo, social co-operative (Act 90/2012, in force 2014)"),
    ),
    "POL": dict(
        R1=(1, "Prawo spółdzielcze, ustawa z dnia 16 września 1982 r. (Co-operative Law)"),
        R2=(1, "spółdzielnie pracy, labour co-operatives (Prawo spółdzielcze 1982)"),
        R3=(1, "spółdzielnie socjalne, ustawa z dnia 27 kwietnia 2006 r. o spółdzielniach socjalnych"),
    ),
    "ROU": dict(
        R1=(1, "Legea nr. 1/2005 privind organizarea şi funcţionarea cooperaţiei (republished 2014)"),
        R2=(0, "none counted: craft co-operatives (societăţi cooperative meşteşugăreşti, Law 1/2005) are not named worker co-ops (conservative)"),
        R3=(1, "social enterprise certificate open to co-operative societies, Legea nr. 219/2015 privind economia socială"),
    ),
    "SVK": dict(
        R1=(1, "Obchodný zákonník, zákon č. 513/1991 Zb. (Commercial Code), družstvo from § 221"),
        R2=(0, "none"),
        R3=(1, "registered social enterprise status open to co-operatives, zákon č. 112/2018 Z. z. o sociálnej ekonomike a sociálnych podnikoch"),
    ),
    "SVN": dict(
        R1=(1, "Zakon o zadrugah (ZZad, Uradni list RS 13/1992), Co-operatives Act"),
        R2=(0, "none"),
        R3=(1, "social enterprise status open to co-operatives, Zakon o socialnem podjetništvu (ZSocP, Uradni list RS 20/2011)"),
    ),
    "HUN": dict(
        R1=(1, "Civil Code, 2013. évi V. törvény (Ptk.), co-operatives; 2006. évi X. törvény a szövetkezetekről for special types"),
        R2=(0, "none counted (conservative)"),
        R3=(1, "szociális szövetkezet, social co-operative (Act X of 2006; Government Decree 141/2006)"),
    ),
    "TUR": dict(
        R1=(1, "Kooperatifler Kanunu, Law No. 1163 (1969); Constitution art. 171"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "RUS": dict(
        R1=(0.5, "no general co-op act: Civil Code forms (production co-ops art. 106.1 ff., consumer co-ops art. 123.2) and sectoral laws (agricultural co-operation 193-FZ 1995, consumer co-operation 1992, credit co-operation 190-FZ 2009) (conservative)"),
        R2=(1, "production co-operative (artel), based on members' personal labour: Federal Law No. 41-FZ of 8 May 1996 On Production Cooperatives"),
        R3=(1, "social enterprise status (Federal Law No. 245-FZ of 26 July 2019, amending SME Law 209-FZ), open to SMEs including production co-ops"),
    ),
    "MAR": dict(
        R1=(1, "Loi n° 112-12 relative aux coopératives (2014)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "TUN": dict(
        R1=(1, "Loi n° 67-4 du 19 janvier 1967 (statut général de la coopération) and sectoral co-op laws"),
        R2=(0, "none counted (conservative)"),
        R3=(0, "ESS label of Loi n° 2020-30 not counted: its implementing decree was not issued by the cutoff (conservative)"),
    ),
    "EGY": dict(
        R1=(1, "Law No. 317 of 1956 on co-operative associations, with sectoral laws (consumer Law 109 of 1975, productive Law 110 of 1975, agricultural Law 122 of 1980, housing Law No. 14)"),
        R2=(0, "productive co-operatives (Law 110 of 1975) not counted as a worker-co-op class (conservative)"),
        R3=(0, "none"),
    ),
    "TZA": dict(
        R1=(1, "Cooperative Societies Act, 2013 (Act No. 6 of 2013), Tanzania Mainland"),
        R2=(0, "none counted: no worker-co-op class found in the 2013 Act (conservative)"),
        R3=(0, "none"),
    ),
    "RWA": dict(
        R1=(1, "Law No 024/2021 of 27/04/2021 governing cooperatives in Rwanda (replaced Law No 50/2007)"),
        R2=(0, "none counted: a worker-co-op category in the 2021 law not verified (conservative)"),
        R3=(0, "none"),
    ),
    "CIV": dict(
        R1=(1, "OHADA Uniform Act on co-operative societies (2010)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "CMR": dict(
        R1=(1, "OHADA Uniform Act on co-operative societies (2010)"),
        R2=(0, "none"),
        R3=(0, "none counted: registration of co-ops as social-economy units under Loi n° 2019/004 not counted as an SSE status (conservative)"),
    ),
    "ZMB": dict(
        R1=(1, "Co-operative Societies Act No. 20 of 1998"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "ZWE": dict(
        R1=(1, "Co-operative Societies Act [Chapter 24:05]"),
        R2=(0, "none counted: collective (worker-owned) co-ops exist, a worker-co-op class in the Act not verified (conservative)"),
        R3=(0, "none"),
    ),
    "MOZ": dict(
        R1=(1, "Lei n.º 23/2009, de 8 de Setembro (Lei das Cooperativas)"),
        R2=(0, "none counted: a worker-co-op branch in Lei 23/2009 not verified (conservative)"),
        R3=(0, "none"),
    ),
    "NGA": dict(
        R1=(1, "Nigerian Co-operative Societies Act, Cap. N98 LFN 2004 (formerly Decree No. 90 of 1993), and state co-op laws"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "NER": dict(
        R1=(1, "OHADA Uniform Act on co-operative societies (2010)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "BEN": dict(
        R1=(1, "OHADA Uniform Act on co-operative societies (2010)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "TGO": dict(
        R1=(1, "OHADA Uniform Act on co-operative societies (2010)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "THA": dict(
        R1=(1, "Cooperatives Act B.E. 2542 (1999)"),
        R2=(0, "none"),
        R3=(0, "none counted: social enterprise registration (Social Enterprise Promotion Act B.E. 2562, 2019) is open to juristic persons; eligibility of co-operatives not verified (conservative)"),
    ),
    "LKA": dict(
        R1=(1, "Co-operative Societies Law No. 5 of 1972 (amended 1983, 1992) and provincial co-operative statutes"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
    "IDN": dict(
        R1=(1, "Undang-Undang No. 25 Tahun 1992 tentang Perkoperasian (reinstated after Constitutional Court decision 28/PUU-XI/2013 annulled Law 17/2012); UUD 1945 art. 33"),
        R2=(0, "none (Law 25/1992 types are producer, consumer, marketing, service and savings-and-loan co-ops)"),
        R3=(0, "none"),
    ),
    "PHL": dict(
        R1=(1, "Philippine Cooperative Code of 2008, Republic Act No. 9520 (amending RA 6938)"),
        R2=(1, "workers cooperatives (RA 9520; CDA Memorandum Circular 2011-24)"),
        R3=(0, "none"),
    ),
    "LAO": dict(
        R1=(1, "Decree on Cooperatives No. 136/PM of 5 March 2010 (a government decree covering all sectors, not a statute)"),
        R2=(0, "none"),
        R3=(0, "none"),
    ),
}

# --------------------------------------------------------------------------
# sse_maturity: maturity of the SSE ecosystem (de jure and institutional)
# --------------------------------------------------------------------------
# A SSE / social-economy / third-sector framework law: 1 national;
#   0.5 sub-national only.
# B social-enterprise legal form or status reserved to social aims, or a
#   national SSE / social-enterprise strategy or programme: 1; 0.5 =
#   sub-national only, or only profit-distributing "benefit company" forms,
#   or a programme that could not be checked as SSE-specific (conservative).
# C co-operative law: the same points as R1 of coop_recognition.
# D public body whose mandate names the SSE, social economy, solidarity
#   economy or social enterprise: 1; 0.5 = co-operatives only, or
#   sub-national only.
# sse_maturity = (A + B + C + D) / 4.

SSE_CRITERIA = (
    ("A", "SSE / social-economy / third-sector framework law; 0.5 = sub-national only"),
    ("B", "social-enterprise legal form or status, or national SSE / social-enterprise strategy or programme; 0.5 = sub-national, benefit-company forms only, or unverified"),
    ("C", "co-operative law (= R1 of coop_recognition)"),
    ("D", "public body whose mandate names the SSE / social economy / social enterprise; 0.5 = co-operatives only or sub-national only"),
)

SSE = {
    "ESP": dict(
        A=(1, "Ley 5/2011, de 29 de marzo, de Economía Social"),
        B=(1, "Ley 44/2007 (empresas de inserción); Estrategia Española de Economía Social 2017-2020"),
        D=(1, "Ministerio de Trabajo y Economía Social (since 2020)"),
        note="",
    ),
    "FRA": dict(
        A=(1, "Loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire"),
        B=(1, "ESUS accreditation (entreprise solidaire d'utilité sociale, 2014 law)"),
        D=(1, "Haut-commissariat (2017-2020), then a secretary of state for the ESS; Conseil supérieur de l'ESS (legal basis in the 2014 law)"),
        note="about 96,000 SSE enterprises in 2015 (DOMAIN.md section 5)",
    ),
    "ITA": dict(
        A=(1, "Codice del Terzo settore, D.Lgs. 3 luglio 2017, n. 117 (third-sector code)"),
        B=(1, "cooperative sociali, Legge 381/1991; impresa sociale, D.Lgs. 112/2017"),
        D=(1, "Ministero del Lavoro e delle Politiche Sociali, DG Terzo settore; RUNTS register"),
        note="framework is a third-sector code, not a law named 'social economy'",
    ),
    "GBR": dict(
        A=(0, "no UK-wide SSE framework law"),
        B=(1, "Community Interest Company (Companies (Audit, Investigations and Community Enterprise) Act 2004); Scotland's Social Enterprise Strategy 2016-2026"),
        D=(1, "Office of the Regulator of Community Interest Companies"),
        note="Scotland: 5,199 social enterprises (DOMAIN.md section 5); the Scottish strategy is sub-national but B is already met UK-wide by the CIC",
    ),
    "NLD": dict(
        A=(0, "none"),
        B=(0, "no social-enterprise legal form enacted by the cutoff (conservative)"),
        D=(0, "none"),
        note="impact trade missions exist (DOMAIN.md section 4) but are specific actions, not counted",
    ),
    "BEL": dict(
        A=(0.5, "regional only: Walloon decree of 20 November 2008 on the social economy; Brussels and Flemish social-economy rules"),
        B=(1, "agrément entreprise sociale (CSA 2019); earlier société à finalité sociale (1995)"),
        D=(0.5, "regional social-economy administrations only (conservative)"),
        note="CEPII's BEL includes Luxembourg; these facts are Belgium only",
    ),
    "DEU": dict(
        A=(0, "none"),
        B=(0, "none by the cutoff"),
        D=(0, "none"),
        note="a national strategy on social innovation and common-good-oriented enterprises was adopted in 2023, after the cutoff; large co-operative and welfare sectors are not measured by this rule",
    ),
    "PRT": dict(
        A=(1, "Lei n.º 30/2013, de 8 de maio, Lei de Bases da Economia Social; Constituição art. 82"),
        B=(1, "Portugal Inovação Social (national programme, 2014)"),
        D=(1, "CASES, Cooperativa António Sérgio para a Economia Social (2009)"),
        note="",
    ),
    "CAN": dict(
        A=(0.5, "Québec only: Loi sur l'économie sociale (2013)"),
        B=(0.5, "provincial forms only (British Columbia community contribution company; Nova Scotia community interest company); federal social-finance programmes not counted (conservative)"),
        D=(0.5, "Québec only: government social-economy action plans (2020-2025 plan, DOMAIN.md section 8)"),
        note="the Canada row stands for Québec's SSE in the SILK cases (MCE Conseils); Québec: 11,200 SSE enterprises (DOMAIN.md section 5)",
    ),
    "USA": dict(
        A=(0, "none (DOMAIN.md section 5: no policy recognition of SSE)"),
        B=(0.5, "state law only, profit-distributing forms: benefit corporation, L3C"),
        D=(0.5, "USDA Rural Development co-operative programmes (co-ops only)"),
        note="",
    ),
    "MEX": dict(
        A=(1, "Ley de la Economía Social y Solidaria (2012)"),
        B=(1, "Programa de Fomento a la Economía Social (INAES)"),
        D=(1, "INAES, Instituto Nacional de la Economía Social (2012 law)"),
        note="scores the law on paper; informality (column informality) and a co-op law that differs from France's (DOMAIN.md section 5) are not in this score",
    ),
    "BRA": dict(
        A=(0, "no national SSE framework law by the cutoff"),
        B=(1, "national solidarity-economy programmes of SENAES (from 2003)"),
        D=(1, "SENAES, Secretaria Nacional de Economia Solidária (Ministry of Labour, 2003); its rank changed after 2016"),
        note="a national solidarity-economy policy bill was pending at the cutoff; state-level laws not counted",
    ),
    "ARG": dict(
        A=(0, "none"),
        B=(0.5, "national social and popular economy programmes (e.g. Potenciar Trabajo, 2020); no social-enterprise law (conservative)"),
        D=(1, "INAES, Instituto Nacional de Asociativismo y Economía Social"),
        note="",
    ),
    "PER": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0, "none counted (conservative)"),
        note="",
    ),
    "COL": dict(
        A=(1, "Ley 454 de 1998 (economía solidaria)"),
        B=(0.5, "Ley 1901 de 2018 (sociedades BIC): a benefit-company status"),
        D=(1, "Unidad Administrativa Especial de Organizaciones Solidarias; Superintendencia de la Economía Solidaria"),
        note="",
    ),
    "IND": dict(
        A=(0, "none (DOMAIN.md section 5: no dedicated SSE policy)"),
        B=(0, "none counted; the SEBI Social Stock Exchange framework (2022) is a listing venue, not a form or strategy"),
        D=(0.5, "Ministry of Cooperation (2021; co-ops only)"),
        note="",
    ),
    "KOR": dict(
        A=(0, "a Framework Act on Social Economy was proposed, not enacted by the cutoff"),
        B=(1, "Social Enterprise Promotion Act (2006, in force 2007)"),
        D=(1, "Korea Social Enterprise Promotion Agency (Ministry of Employment and Labor)"),
        note="",
    ),
    "AUS": dict(
        A=(0, "none"),
        B=(0.5, "state-level strategies only (e.g. Victoria's Social Enterprise Strategy 2017); federal programmes not counted (conservative)"),
        D=(0, "none"),
        note="",
    ),
    "SEN": dict(
        A=(1, "Loi d'orientation n° 2021-28 du 15 juin 2021 relative à l'économie sociale et solidaire"),
        B=(0, "none counted (conservative)"),
        D=(1, "a ministry in charge of microfinance and the social and solidarity economy"),
        note="the ministry's title changes between governments",
    ),
    "BFA": dict(
        A=(0, "none found"),
        B=(0, "none found"),
        D=(0, "none counted (conservative)"),
        note="",
    ),
    "KEN": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "State Department for Co-operatives; Commissioner for Co-operative Development (co-ops only)"),
        note="",
    ),
    "ZAF": dict(
        A=(0, "none adopted by the cutoff (conservative)"),
        B=(0, "none"),
        D=(0.5, "Department of Small Business Development (2014), mandate includes co-operatives"),
        note="",
    ),
    "CHN": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "All China Federation of Supply and Marketing Cooperatives (co-ops only)"),
        note="",
    ),
    "JPN": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0, "none"),
        note="large agricultural and consumer co-operative sectors are not measured by this rule",
    ),
    "ECU": dict(
        A=(1, "Ley Orgánica de Economía Popular y Solidaria (2011); Constitución 2008 art. 283"),
        B=(1, "public-procurement preference for popular and solidarity economy actors (Ferias Inclusivas)"),
        D=(1, "IEPS (Instituto Nacional de Economía Popular y Solidaria); Superintendencia de Economía Popular y Solidaria"),
        note="",
    ),
    "NIC": dict(
        A=(0, "none counted (conservative)"),
        B=(0, "none"),
        D=(1, "MEFCCA, Ministerio de Economía Familiar, Comunitaria, Cooperativa y Asociativa (2012)"),
        note="",
    ),
    "CHL": dict(
        A=(0, "none"),
        B=(0, "none at the cutoff; the Empresas de Beneficio e Interés Colectivo bill (boletín 11.273, 2017) was not enacted"),
        D=(0.5, "División de Asociatividad y Cooperativas, Ministerio de Economía (co-ops and associations); its former name División de Asociatividad y Economía Social not counted (conservative)"),
        note="a public-private Consejo Consultivo para la Economía Social and an action plan 2015-2018 ended before the cutoff",
    ),
    "URY": dict(
        A=(1, "Ley 19.848 de 2019, Economía Social y Solidaria"),
        B=(1, "cooperativas sociales, a co-op form reserved to social insertion (MIDES programme)"),
        D=(0.5, "INACOOP, Instituto Nacional del Cooperativismo (Ley 18.407; co-ops only); SSE bodies under Ley 19.848 not verified (conservative)"),
        note="",
    ),
    "GTM": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "INACOP (Instituto Nacional de Cooperativas) and INGECOP (Inspección General de Cooperativas), Decreto 82-78 (co-ops only)"),
        note="",
    ),
    "HND": dict(
        A=(1, "Ley del Sector Social de la Economía (1985) and its Reglamento"),
        B=(0, "none found"),
        D=(0.5, "IHDECOOP and CONSUCOOP (co-ops only); SENPRENDE's register of social-sector enterprises not counted (conservative)"),
        note="the 1985 law predates the SSE vocabulary; it defines a social sector of the economy (co-ops and other worker-owned enterprises)",
    ),
    "BOL": dict(
        A=(0, "no SSE framework law; Constitución 2009 art. 306 (plural economy with social cooperative and community forms) not counted"),
        B=(0, "none"),
        D=(0.5, "AFCOOP, Autoridad de Fiscalización y Control de Cooperativas (co-ops only)"),
        note="",
    ),
    "DOM": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "IDECOOP, Instituto de Desarrollo y Crédito Cooperativo, Ley 31-63 (co-ops only)"),
        note="",
    ),
    "CZE": dict(
        A=(0, "none; a social entrepreneurship bill was drafted but not enacted by the cutoff"),
        B=(1, "sociální družstvo, a co-operative form reserved to social aims (Act 90/2012)"),
        D=(0, "none counted: no ministry or agency with a social-economy mandate found (conservative)"),
        note="EU-funded social-enterprise support under the Ministry of Labour and Social Affairs' operational programmes is not counted",
    ),
    "POL": dict(
        A=(1, "Ustawa z dnia 5 sierpnia 2022 r. o ekonomii społecznej (Dz.U. 2022 poz. 1812), in force autumn 2022"),
        B=(1, "social enterprise status (2022 Act); Krajowy Program Rozwoju Ekonomii Społecznej do 2023 roku (Council of Ministers resolution)"),
        D=(1, "Ministry of Family and Social Policy: Government Plenipotentiary for Social Economy and its social economy department"),
        note="",
    ),
    "ROU": dict(
        A=(1, "Legea nr. 219/2015 privind economia socială (amended by OUG nr. 33/2022)"),
        B=(1, "social enterprise certificate and social insertion enterprise mark (Law 219/2015)"),
        D=(1, "National Agency for Employment (ANOFM): social economy compartments and Single Register of Social Enterprises (Law 219/2015)"),
        note="",
    ),
    "SVK": dict(
        A=(1, "zákon č. 112/2018 Z. z. o sociálnej ekonomike a sociálnych podnikoch (in force 1 May 2018)"),
        B=(1, "registered social enterprise status (Act 112/2018)"),
        D=(1, "Ministry of Labour, Social Affairs and Family, competent for the social economy under Act 112/2018 (register of social enterprises; Institute of Social Economy project)"),
        note="",
    ),
    "SVN": dict(
        A=(0, "none counted: ZSocP (2011, amended 2018) is a social entrepreneurship act; whether the amendment made it a social-economy framework was not verified (conservative)"),
        B=(1, "social enterprise status, Zakon o socialnem podjetništvu (ZSocP, 2011)"),
        D=(1, "ministry competent under ZSocP (Ministry of Economic Development and Technology), keeps the register of social enterprises"),
        note="the competent ministry changed over time (labour ministry first)",
    ),
    "HUN": dict(
        A=(0, "none"),
        B=(1, "szociális szövetkezet, a co-operative form reserved to social aims (Act X of 2006)"),
        D=(0, "none counted (conservative)"),
        note="social-enterprise programmes run through OFA (National Employment Non-profit Company) with EU funds are not counted",
    ),
    "TUR": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "Ministry of Trade, General Directorate of Cooperatives (co-ops only)"),
        note="Turkish Cooperatives Strategy and Action Plan 2012-2016 is a co-op strategy, not counted under B",
    ),
    "RUS": dict(
        A=(0, "none counted: Federal Law No. 7-FZ of 12 January 1996 On Non-commercial Organisations (socially oriented NCOs) is not a social-economy framework (conservative)"),
        B=(1, "social enterprise status, Federal Law No. 245-FZ of 26 July 2019 (amending SME Law 209-FZ)"),
        D=(0, "none counted: regional SME support centres for social entrepreneurship not verified (conservative)"),
        note="",
    ),
    "MAR": dict(
        A=(0, "none: a loi-cadre on the SSE was in preparation, not adopted by the cutoff"),
        B=(1, "national SSE development strategy (2010-2020) of the ministry in charge of the social economy"),
        D=(1, "Ministère du Tourisme, de l'Artisanat et de l'Économie sociale et solidaire (2021), Direction de la promotion de l'économie sociale; ODCO (co-ops)"),
        note="the ministry's title changes between governments",
    ),
    "TUN": dict(
        A=(1, "Loi n° 2020-30 du 30 juin 2020 relative à l'économie sociale et solidaire"),
        B=(0, "ESS label of Loi n° 2020-30 not counted: implementing decrees not issued by the cutoff (conservative)"),
        D=(1, "Unité de l'économie sociale et solidaire of the ministry in charge of employment (reported 2021)"),
        note="the Conseil supérieur and the Instance tunisienne de l'ESS created by Loi 2020-30 were not set up by the cutoff",
    ),
    "EGY": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "sectoral co-op administrations in line ministries, e.g. Central Administration of Agricultural Cooperation (co-ops only)"),
        note="",
    ),
    "TZA": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "Tanzania Cooperative Development Commission (Cooperative Societies Act 2013; co-ops only)"),
        note="Zanzibar has its own co-operative legislation (not counted)",
    ),
    "RWA": dict(
        A=(0, "none"),
        B=(0, "none; the national co-operative policy is co-ops only (not counted)"),
        D=(0.5, "Rwanda Cooperative Agency, Law n° 48/2013 of 28/06/2013 (co-ops only)"),
        note="a new law on cooperatives of 2024 replaced Law No 024/2021 after the cutoff",
    ),
    "CIV": dict(
        A=(0, "none by the cutoff (a draft ESS framework law was discussed with stakeholders in October 2022)"),
        B=(0, "none counted (conservative)"),
        D=(0, "none counted: the solidarity ministry leads ESS work, a mandate naming the ESS not verified (conservative)"),
        note="the government adopted an ESS bill on 9 April 2025 and the law followed in 2025, after the cutoff",
    ),
    "CMR": dict(
        A=(1, "Loi-cadre n° 2019/004 du 25 avril 2019 régissant l'économie sociale"),
        B=(0.5, "MINPMEESA support to social-economy units (appui aux initiatives locales de développement); no formal national strategy found (conservative)"),
        D=(1, "MINPMEESA, Ministère des Petites et Moyennes Entreprises, de l'Économie Sociale et de l'Artisanat (2004)"),
        note="implementing texts: Décret n° 2020/0001/PM du 3 janvier 2020 (networks of social-economy units); Arrêté n° 042/PM du 23 mai 2022 (Registre général des unités de l'économie sociale)",
    ),
    "ZMB": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "Ministry of Small and Medium Enterprise Development (2021), Department of Cooperatives (co-ops only)"),
        note="a review of the 1998 Act and a revised National Cooperative Development Policy (2024) came after the cutoff",
    ),
    "ZWE": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "Ministry of Women Affairs, Community, Small and Medium Enterprises Development, Registrar of Co-operatives (co-ops only)"),
        note="a review of the Co-operative Societies Act was under way at the cutoff",
    ),
    "MOZ": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0, "none counted (conservative)"),
        note="",
    ),
    "NGA": dict(
        A=(0, "none"),
        B=(0, "none counted: no national social-enterprise law or policy found (conservative)"),
        D=(0.5, "Federal Department of Co-operatives, headed by the Federal Director of Co-operatives (Act s. 1; co-ops only)"),
        note="states have their own co-op laws and departments (not counted)",
    ),
    "NER": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0, "none counted (conservative): a co-operative directorate in the rural-development ministry is documented for earlier years, not checked at the cutoff"),
        note="",
    ),
    "BEN": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0, "none counted (conservative)"),
        note="ESS advocacy for a legal framework reached the Conseil économique et social in 2025, after the cutoff",
    ),
    "TGO": dict(
        A=(0, "none by the cutoff"),
        B=(0, "none counted (conservative): a resource centre for social entrepreneurship and the ESS (CeRES, agreement of 25 March 2019) not counted as a national programme"),
        D=(0, "none counted (conservative): the ministry of grassroots development promotes the ESS, a mandate naming it not verified"),
        note="a draft ESS framework law (avant-projet de loi-cadre) was under discussion in 2024, after the cutoff",
    ),
    "THA": dict(
        A=(0, "none"),
        B=(1, "Social Enterprise Promotion Act B.E. 2562 (2019), registered social enterprise status"),
        D=(1, "Office of Social Enterprise Promotion (OSEP), set up under the 2019 Act"),
        note="Community Enterprise Promotion Act B.E. 2548 (2005) not scored",
    ),
    "LKA": dict(
        A=(0, "none"),
        B=(0, "none found (conservative)"),
        D=(0.5, "Department of Co-operative Development, Commissioner of Co-operative Development (co-ops only)"),
        note="a national co-operative policy and new co-op law were under discussion, not counted",
    ),
    "IDN": dict(
        A=(0, "none"),
        B=(0, "no social-enterprise form or national SE strategy by the cutoff (conservative)"),
        D=(0.5, "Ministry of Cooperatives and Small and Medium Enterprises (co-ops and SMEs)"),
        note="Law 11/2020 (Job Creation) amended parts of Law 25/1992 (Perppu 2/2022 of 30 December 2022 then replaced Law 11/2020); not scored separately",
    ),
    "PHL": dict(
        A=(0, "none"),
        B=(0, "none: the PRESENT (Poverty Reduction through Social Entrepreneurship) bill was still pending at the cutoff"),
        D=(0.5, "Cooperative Development Authority, RA 6939 of 1990 (co-ops only)"),
        note="",
    ),
    "LAO": dict(
        A=(0, "none"),
        B=(0, "none"),
        D=(0.5, "Department of Rural Development and Cooperatives, Ministry of Agriculture and Forestry (co-ops only)"),
        note="a Law on Cooperatives was before the National Assembly in 2024, after the cutoff",
    ),
}

# --------------------------------------------------------------------------
# legal_family: La Porta, Lopez-de-Silanes & Shleifer (2008), "The Economic
# Consequences of Legal Origins", Journal of Economic Literature 46(2),
# 285-332.  English legal origin -> common; French, German (and
# Scandinavian) origin -> civil.  Mixed systems inside a country (Québec,
# Scotland, Louisiana; Roman-Dutch law in South Africa) are noted but the
# country keeps its La Porta origin.
# --------------------------------------------------------------------------

LEGAL_ORIGIN = {
    "ESP": ("French", ""), "FRA": ("French", ""), "ITA": ("French", ""),
    "GBR": ("English", "Scotland has a mixed system"),
    "NLD": ("French", ""), "BEL": ("French", ""), "DEU": ("German", ""),
    "PRT": ("French", ""),
    "CAN": ("English", "Québec private law is civil"),
    "USA": ("English", "Louisiana private law is civil"),
    "MEX": ("French", ""), "BRA": ("French", ""), "ARG": ("French", ""),
    "PER": ("French", ""), "COL": ("French", ""),
    "IND": ("English", ""), "KOR": ("German", ""),
    "AUS": ("English", ""),
    "SEN": ("French", ""), "BFA": ("French", ""),
    "KEN": ("English", ""),
    "ZAF": ("English", "mixed Roman-Dutch and English law"),
    "CHN": ("civil (origin not asserted)", "classified German or socialist in different versions of the La Porta data; civil law either way"),
    "JPN": ("German", ""),
    "ECU": ("French", ""), "NIC": ("French", ""),
    "CHL": ("French", ""),
    "URY": ("French", ""),
    "GTM": ("French", ""),
    "HND": ("French", ""),
    "BOL": ("French", ""),
    "DOM": ("French", ""),
    "CZE": ("German", "classified socialist in earlier La Porta-group data; German is the pre-socialist origin (Austrian codes); the 2008 classification was not checked"),
    "POL": ("German", "classified socialist in earlier La Porta-group data; German origin assumed (mixed German, Austrian and French heritage); the 2008 classification was not checked"),
    "ROU": ("French", "classified socialist in earlier La Porta-group data; French is the pre-socialist origin (1864 Civil Code); the 2008 classification was not checked"),
    "SVK": ("German", "classified socialist in earlier La Porta-group data; German is the pre-socialist origin (Austro-Hungarian law); the 2008 classification was not checked"),
    "SVN": ("German", "classified socialist in earlier La Porta-group data; German is the pre-socialist origin (Austrian codes); the 2008 classification was not checked"),
    "HUN": ("German", "classified socialist in earlier La Porta-group data; German origin assumed; the 2008 classification was not checked"),
    "TUR": ("French", "La Porta et al. (1998) French origin; civil code received from Switzerland"),
    "RUS": ("civil (origin not asserted)", "socialist in earlier La Porta-group data; the post-1990 reclassification (French or German) could not be checked; civil law either way"),
    "MAR": ("French", ""),
    "TUN": ("French", ""),
    "EGY": ("French", ""),
    "TZA": ("English", ""),
    "RWA": ("French", "Belgian civil-law heritage; common-law elements adopted since 2009 are not reflected; La Porta classification as French not checked in the data (believed)"),
    "CIV": ("French", ""),
    "CMR": ("French", "the two anglophone regions apply English common law"),
    "ZMB": ("English", ""),
    "ZWE": ("English", "mixed Roman-Dutch and English law"),
    "MOZ": ("French", "Portuguese civil law"),
    "NGA": ("English", "customary and Islamic law also apply in parts of the country"),
    "NER": ("French", ""),
    "BEN": ("French", ""),
    "TGO": ("French", ""),
    "THA": ("English", "La Porta et al. (1998) English origin although Thai codes are civil-law codes"),
    "LKA": ("English", "mixed Roman-Dutch and English law, with personal laws (Kandyan, Thesawalamai, Muslim)"),
    "IDN": ("French", "La Porta et al. (1998) French origin, via Dutch colonial law"),
    "PHL": ("French", "mixed Spanish civil law and US common law"),
    "LAO": ("civil (origin not asserted)", "not sure of its La Porta classification (not checked); a civil-law system, former French protectorate"),
}

ORIGIN_TO_FAMILY = {"English": "common"}   # every other origin -> "civil"

# --------------------------------------------------------------------------
# EU membership on CUTOFF (for legal_compat): Council Regulation (EC)
# No 1435/2003 of 22 July 2003 on the Statute for a European Cooperative
# Society (SCE), with Council Directive 2003/72/EC on employee involvement,
# applies in every member state.  The United Kingdom left the EU on
# 31 January 2020, so GBR is not a member on CUTOFF.
# --------------------------------------------------------------------------

EU_MEMBERS = ("ESP", "FRA", "ITA", "NLD", "BEL", "DEU", "PRT",
              "CZE", "POL", "ROU", "SVK", "SVN", "HUN")
