"""Write the first version of templates/brief.docx (run once; advisors edit the result in Word).

The build never runs this script: it reads the committed .docx only. It is kept to show
how the example template was made and to regenerate it if the example is redesigned:

    .venv/bin/python tools/make_template.py templates/brief.docx
    .venv/bin/python tools/make_template.py templates/gebied/brief.docx --gebied

The second is the area letters' template (brief.yaml's ``sjabloon_gebied``): a letter to
an area committee, whose sentences read right for every area, with a figure of 0 or 1 and
where the area's data has a gap (``{% if x is gegeven %}``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from brief.letter.layout import (
    add_caption,
    add_field,
    keep_with_next,
    repeat_as_header,
    set_table_alt_text,
)

GREEN = RGBColor(0x00, 0x5A, 0x3C)
GREY = RGBColor(0x55, 0x55, 0x55)


def styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in ((1, 13), (2, 11)):
        heading = document.styles[f"Heading {level}"]
        heading.font.name = "Arial"
        heading.font.size = Pt(size)
        heading.font.color.rgb = GREEN
        heading.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        heading.paragraph_format.space_after = Pt(4)
    caption = document.styles["Caption"]
    caption.font.name = "Arial"
    caption.font.size = Pt(9)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
    source = document.styles.add_style("Bron", WD_STYLE_TYPE.PARAGRAPH)
    source.base_style = normal
    source.font.size = Pt(8)
    source.font.italic = True
    source.font.color.rgb = GREY
    source.paragraph_format.space_after = Pt(12)
    table = document.styles.add_style("Brief tabel", WD_STYLE_TYPE.TABLE)
    table.base_style = document.styles["Table Grid"]
    table.font.size = Pt(8.5)
    table.font.name = "Arial"


def letterhead(section) -> None:
    header = section.header
    title = header.paragraphs[0]
    run = title.add_run("Gemeente Rotterdam")
    run.bold = True
    run.font.size = Pt(14)
    run.font.color.rgb = GREEN
    sub = header.add_paragraph("Maatschappelijke Ontwikkeling")
    sub.runs[0].font.size = Pt(9)
    sub.runs[0].font.color.rgb = GREY

    table = header.add_table(rows=3, cols=2, width=Cm(8))
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    for row, (label, value) in zip(
        table.rows,
        (("Datum:", "{{ datum|datum }}"), ("Ons kenmerk:", "{{ kenmerk }}"), ("Blad:", None)),
        strict=True,
    ):
        row.cells[0].text = label
        row.cells[0].width = Cm(3)
        cell = row.cells[1].paragraphs[0]
        if value is None:
            add_field(cell, "PAGE")
            cell.add_run("/")
            add_field(cell, "NUMPAGES")
        else:
            cell.add_run(value)
        for c in row.cells:
            for p in c.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                for r in p.runs:
                    r.font.size = Pt(9)
    header.add_paragraph()


def footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.text = "{{ onderwerp }}"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.runs[0].font.size = Pt(8)
    paragraph.runs[0].font.color.rgb = GREY


def body(document) -> None:
    add = document.add_paragraph
    add("Aan de {{ commissie }}")
    p = add()
    p.add_run("Onderwerp: ").bold = True
    p.add_run("{{ onderwerp }}")
    add("Geachte commissieleden,")
    add(
        "Met deze brief informeer ik u over de voortgang van het welzijnswerk in {{ jaar }}. "
        "Sinds 1 juni 2022 voeren {{ aantal_aanbieders }} welzijnsaanbieders de "
        "welzijnsopdracht uit in de {{ aantal_gebieden }} gebieden van de stad. Het werk richt "
        "zich op drie groepen die extra aandacht krijgen: jeugd, ouderen en kwetsbare "
        "Rotterdammers. De cijfers in deze brief komen uit de rapportages van de aanbieders; "
        "waar een cijfer ter illustratie is, staat dat bij de bron vermeld."
    )
    add("{{ teksten.inleiding }}")
    add("{{p aanbieders }}")

    document.add_heading("1. Jeugd", level=1)
    document.add_heading("Kinder- en tienerwerk", level=2)
    add(
        "In de stad werken {{ kindertienerwerk_fte }} fte aan kinder- en tienerwerk. Op de "
        "pleinen werken zij aan sociaal-emotionele vaardigheden en een veilig speelklimaat. "
        "In {{ jaar }} waren er activiteiten op {{ kinderwerk_pleinen }} pleinen, die samen "
        "{{ kinderwerk_bereik }} kinderen bereikten. Het doel is {{ kinderwerk_bereik_doel }} "
        "kinderen per week op {{ kinderwerk_pleinen_doel }} pleinen; {{ kinderwerk_doel_tekst }}. "
        "Het kinderwerk is aanwezig op {{ basisscholen_kinderwerk }} basisscholen."
    )
    add("{{p kinderwerk_trend }}")
    add("{{p kinderwerk_per_gebied }}")
    document.add_heading("Jongerenwerk en jongerenhubs", level=2)
    add(
        "Ongeveer {{ jongerenwerk_fte }} fte jongerenwerkers bereikten naar schatting "
        "{{ jongeren_bereik }} jongeren, in de wijk, in de jongerenhubs en op school. Eind "
        "{{ jaar }} waren {{ jongerenhubs }} jongerenhubs open; het doel is "
        "{{ jongerenhubs_doel }} hubs eind 2024, twee flexibele locaties meegeteld."
    )
    add("{{p jongerenhubs_trend }}")

    document.add_heading("2. Ouderen", level=1)
    add(
        "Valpreventie wordt aangeboden via erkende beweeginterventies. In {{ jaar }} deden "
        "{{ valpreventie_deelnemers }} ouderen mee, bij een doel van "
        "{{ valpreventie_doel }}: {{ valpreventie_doel_tekst }}. In {{ vitale_flats }} "
        "seniorenflats organiseren bewoners samen met de welzijnsaanbieder activiteiten."
    )
    add("{{p valpreventie_doel_realisatie }}")

    document.add_heading("3. Kwetsbare Rotterdammers", level=1)
    add(
        "In ieder gebied heeft de welzijnsaanbieder een aandachtsfunctionaris voor kwetsbare "
        "bewoners. In {{ jaar }} waren {{ herstelacademies }} herstelacademies gevestigd in een "
        "Huis van de Wijk. De inloopspreekuren financiën werden {{ spreekuur_bezoeken }} keer "
        "bezocht."
    )
    add("{{p spreekuren_per_gebied }}")

    document.add_heading("4. Lokale initiatieven en Couleur Locale", level=1)
    add(
        "Tien procent van het budget van iedere welzijnsaanbieder is geoormerkt voor lokale "
        "initiatieven via Right to Cooperate en Lokaal Budget: stadsbreed "
        "{{ lokaal_budget_geoormerkt }} in {{ jaar }}. Daarvan is {{ lokaal_budget_besteed }} "
        "besteed ({{ lokaal_budget_aandeel }}). Via de subsidieregeling Couleur Locale zijn "
        "{{ couleur_locale_toekenningen }} aanvragen gehonoreerd."
    )
    add("{{p lokaal_budget }}")
    add("{{p couleur_locale_trend }}")

    document.add_heading("5. Indicatoren", level=1)
    add(
        "De tabel hieronder zet de belangrijkste indicatoren naast hun nulmeting en doel. "
        "Waar geen cijfer bestaat, staat n.v.t."
    )
    add("{{p indicatoren }}")

    document.add_heading("Toezeggingen", level=1)
    add("In deze brief ga ik in op de toezeggingen in de tabel hieronder.")
    commitments_table(document)

    document.add_heading("Tot slot", level=1)
    add("{{ teksten.slot }}")
    closing = [
        add("Ik vertrouw erop u hiermee voldoende te hebben geïnformeerd."),
        add("Met vriendelijke groet,"),
        add(),
    ]
    closing[-1].add_run("{{ ondertekening.naam }}").bold = True
    for paragraph in closing:  # the greeting and the signature stay on one page
        keep_with_next(paragraph)
    add("{{ ondertekening.functie }}")


def area_body(document) -> None:
    """The letter to an area committee: the area's figures, the city's beside them."""
    add = document.add_paragraph
    add("Aan de gebiedscommissie {{ gebied }}")
    p = add()
    p.add_run("Onderwerp: ").bold = True
    p.add_run("{{ onderwerp }}")
    add("Geachte leden van de gebiedscommissie,")
    add(
        "Met deze brief informeer ik u over het welzijnswerk in {{ gebied }} in {{ jaar }}. "
        "De {{ aantal_gebieden }} gebieden van de stad zijn verdeeld over "
        "{{ aantal_aanbieders }} welzijnsaanbieders; de tabel hieronder laat zien welke "
        "aanbieder in {{ gebied }} werkt. Waar dat helpt, staat het cijfer van de hele stad "
        "naast dat van {{ gebied }}. De cijfers komen uit de rapportages van de aanbieders; "
        "waar een cijfer ter illustratie is, staat dat bij de bron vermeld."
    )
    add("{{p aanbieders }}")

    document.add_heading("1. Jeugd", level=1)
    document.add_heading("Kinder- en tienerwerk", level=2)
    add(
        "{% if kindertienerwerk_fte is gegeven %}In {{ gebied }} werken "
        "{{ kindertienerwerk_fte }} fte aan kinder- en tienerwerk, van de "
        "{{ kindertienerwerk_fte_stad }} fte in de hele stad. {% endif %}"
        "{% if kinderwerk_pleinen is gegeven %}In {{ jaar }} was het kinderwerk actief op "
        "{{ kinderwerk_pleinen|aantal('plein', 'pleinen', 'geen') }} in {{ gebied }}"
        "{% if kinderwerk_bereik is gegeven %}, met een bereik van "
        "{{ kinderwerk_bereik|aantal('kind', 'kinderen') }} per week{% endif %}. {% endif %}"
        "{% if kinderwerk_bereik_doel is gegeven %}Het doel voor {{ gebied }} is "
        "{{ kinderwerk_bereik_doel|aantal('kind', 'kinderen') }} per week; "
        "{{ kinderwerk_doel_tekst }}. {% endif %}"
        "{% if kinderwerk_pleinen_doel is gegeven %}Voor het aantal pleinen is het doel "
        "{{ kinderwerk_pleinen_doel }}.{% else %}Voor het aantal pleinen is geen doel per "
        "gebied vastgesteld.{% endif %}"
        "{% if basisscholen_kinderwerk is gegeven %} Het kinderwerk is aanwezig op "
        "{{ basisscholen_kinderwerk|aantal('basisschool', 'basisscholen', 'geen') }}.{% endif %}"
    )
    add("{{p kinderwerk_trend }}")
    add("{{p kinderwerk_per_gebied }}")
    document.add_heading("Jongerenwerk en jongerenhubs", level=2)
    add(
        "{% if jongerenwerk_fte is gegeven %}In {{ gebied }} werken {{ jongerenwerk_fte }} fte "
        "jongerenwerkers (in de hele stad {{ jongerenwerk_fte_stad }} fte)"
        "{% if jongeren_bereik is gegeven %}; zij bereikten naar schatting "
        "{{ jongeren_bereik|aantal('jongere', 'jongeren') }}, in de wijk, in de jongerenhubs "
        "en op school{% endif %}. {% endif %}"
        "{% if jongerenhubs is gegeven %}Eind {{ jaar }} telde {{ gebied }} "
        "{{ jongerenhubs|aantal('open jongerenhub', 'open jongerenhubs', 'geen') }}, van de "
        "{{ jongerenhubs_stad }} in de stad"
        "{% if jongerenhubs_doel is gegeven %}; het doel voor {{ gebied }} is "
        "{{ jongerenhubs_doel|aantal('hub', 'hubs') }} eind {{ jongerenhubs_doel_jaar }}"
        "{% endif %}.{% endif %}"
    )
    add("{{p jongerenhubs_trend }}")

    document.add_heading("2. Ouderen", level=1)
    add(
        "Valpreventie wordt aangeboden via erkende beweeginterventies. "
        "{% if valpreventie_deelnemers is gegeven %}In {{ jaar }} deden in {{ gebied }} "
        "{{ valpreventie_deelnemers|aantal('oudere', 'ouderen') }} mee (in de hele stad "
        "{{ valpreventie_deelnemers_stad }})"
        "{% if valpreventie_doel is gegeven %}, bij een doel van {{ valpreventie_doel }}: "
        "{{ valpreventie_doel_tekst }}{% endif %}. {% endif %}"
        "{% if vitale_flats is gegeven %}In {{ gebied }} organiseren bewoners van "
        "{{ vitale_flats|aantal('seniorenflat', 'seniorenflats', 'geen') }} samen met de "
        "welzijnsaanbieder activiteiten.{% endif %}"
    )
    add("{{p valpreventie_doel_realisatie }}")

    document.add_heading("3. Kwetsbare bewoners", level=1)
    add(
        "In ieder gebied heeft de welzijnsaanbieder een aandachtsfunctionaris voor kwetsbare "
        "bewoners. {% if herstelacademies is gegeven %}Eind {{ jaar }} telde {{ gebied }} "
        "{{ herstelacademies|aantal('herstelacademie', 'herstelacademies', 'geen') }} in een "
        "Huis van de Wijk. {% endif %}"
        "{% if spreekuur_bezoeken is gegeven %}De inloopspreekuren financiën in {{ gebied }} "
        "werden {{ spreekuur_bezoeken|aantal('keer', 'keer') }} bezocht, van de "
        "{{ spreekuur_bezoeken_stad }} bezoeken in de hele stad.{% endif %}"
    )
    add("{{p spreekuren_per_gebied }}")

    document.add_heading("4. Lokale initiatieven en Couleur Locale", level=1)
    add(
        "Tien procent van het budget van iedere welzijnsaanbieder is geoormerkt voor lokale "
        "initiatieven via Right to Cooperate en Lokaal Budget. "
        "{% if lokaal_budget_geoormerkt is gegeven %}Voor {{ gebied }} was dat in {{ jaar }} "
        "{{ lokaal_budget_geoormerkt }} (in de hele stad {{ lokaal_budget_geoormerkt_stad }})"
        "{% if lokaal_budget_besteed is gegeven %}, waarvan {{ lokaal_budget_besteed }} is "
        "besteed ({{ lokaal_budget_aandeel }}){% endif %}. {% endif %}"
        "{% if couleur_locale_toekenningen is gegeven %}Via de subsidieregeling Couleur Locale "
        "honoreerde de gemeente in {{ gebied }} "
        "{{ couleur_locale_toekenningen|aantal('aanvraag', 'aanvragen', 'geen') }}, van de "
        "{{ couleur_locale_toekenningen_stad }} in de hele stad.{% endif %}"
    )
    add("{{p lokaal_budget }}")
    add("{{p couleur_locale_trend }}")

    document.add_heading("5. Indicatoren", level=1)
    add(
        "De tabel hieronder zet de belangrijkste indicatoren voor {{ gebied }} naast hun "
        "nulmeting en doel. Waar geen cijfer bestaat, staat n.v.t."
    )
    add("{{p indicatoren }}")

    document.add_heading("Tot slot", level=1)
    add(
        "Heeft de gebiedscommissie vragen over het welzijnswerk in {{ gebied }}, dan kan zij "
        "terecht bij de welzijnsaanbieder van het gebied of bij de gemeente."
    )
    closing = [
        add("Ik vertrouw erop u hiermee voldoende te hebben geïnformeerd."),
        add("Met vriendelijke groet,"),
        add(),
    ]
    closing[-1].add_run("{{ ondertekening.naam }}").bold = True
    for paragraph in closing:  # the greeting and the signature stay on one page
        keep_with_next(paragraph)
    add("{{ ondertekening.functie }}")


def commitments_table(document) -> None:
    """A table drawn in the template whose rows loop over the params file's commitments."""
    caption = document.add_paragraph(style="Caption")
    add_caption(caption, "Tabel", "Toezeggingen waarop deze brief ingaat")
    keep_with_next(caption)
    rows = [
        ("Kenmerk", "Toezegging", "Status"),
        ("{%tr for toezegging in toezeggingen %}", "", ""),
        ("{{ toezegging.code }}", "{{ toezegging.omschrijving }}", "{{ toezegging.status }}"),
        ("{%tr endfor %}", "", ""),
    ]
    table = document.add_table(rows=len(rows), cols=3)
    table.style = document.styles["Brief tabel"]
    table.autofit = False
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text, width in zip(row.cells, texts, (Cm(2.6), Cm(11.0), Cm(2.4)), strict=True):
            cell.width = width
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    for column, width in zip(table.columns, (Cm(2.6), Cm(11.0), Cm(2.4)), strict=True):
        column.width = width
    repeat_as_header(table.rows[0])
    set_table_alt_text(table, "Toezeggingen", "Kenmerk, omschrijving en status per toezegging.")
    document.add_paragraph()


def main(target: Path, area: bool = False) -> None:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    section.header_distance = Cm(1.0)
    styles(document)
    letterhead(section)
    footer(section)
    area_body(document) if area else body(document)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(target)


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--gebied"]
    main(Path(arguments[0] if arguments else "templates/brief.docx"), "--gebied" in sys.argv)
