"""Write the first version of templates/brief.docx (run once; advisors edit the result in Word).

The build never runs this script: it reads the committed .docx only. It is kept to show
how the example template was made and to regenerate it if the example is redesigned:

    .venv/bin/python tools/make_template.py templates/brief.docx
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from brief.word import (
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


def main(target: Path) -> None:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    section.header_distance = Cm(1.0)
    styles(document)
    letterhead(section)
    footer(section)
    body(document)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(target)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "templates/brief.docx"))
