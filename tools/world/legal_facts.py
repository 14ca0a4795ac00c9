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
}

ORIGIN_TO_FAMILY = {"English": "common"}   # every other origin -> "civil"

# --------------------------------------------------------------------------
# EU membership on CUTOFF (for legal_compat): Council Regulation (EC)
# No 1435/2003 of 22 July 2003 on the Statute for a European Cooperative
# Society (SCE), with Council Directive 2003/72/EC on employee involvement,
# applies in every member state.  The United Kingdom left the EU on
# 31 January 2020, so GBR is not a member on CUTOFF.
# --------------------------------------------------------------------------

EU_MEMBERS = ("ESP", "FRA", "ITA", "NLD", "BEL", "DEU", "PRT")
