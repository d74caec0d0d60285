"""The crafts of the Guelmim-Oued Noun region and what their artisans make (demo content)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """A kind of piece: names in fr/en/ar, price range in MAD, weight and dimensions."""

    fr: str
    en: str
    ar: str
    low: int
    high: int
    grams: int
    size: str
    # Grammatical gender for agreeing qualifiers: French m|f|mp|fp, Arabic m|f.
    fr_gender: str = "m"
    ar_gender: str = "m"


@dataclass(frozen=True)
class CraftSpec:
    """A craft with its names, map colour, pieces, qualifiers and materials."""

    slug: str
    fr: str
    en: str
    ar: str
    kind: str
    items: tuple[Item, ...] = ()
    # (fr, en, ar) phrases that follow the item name: "with Sahrawi motifs".
    qualifiers: tuple[tuple[str, str, str], ...] = ()
    materials: tuple[tuple[str, str, str], ...] = ()
    made_to_order_share: float = 0.1


# Harmonized System tariff numbers of each productive craft's pieces, for customs (CN22/CN23).
HS_CODES = {
    "silver-jewellery": "7113.11",
    "leather": "4202.21",
    "pottery": "6912.00",
    "carpets-weaving": "5701.10",
    "melhfa-textiles": "6214.90",
    "woodwork": "4420.90",
    "palm-basketry": "4602.19",
    "argan-cosmetics": "1515.90",
    "brass-copper": "7418.10",
}

COMMON_QUALIFIERS = (
    ("à motifs sahraouis", "with Sahrawi motifs", "بزخارف صحراوية"),
    ("de style Tekna", "in Tekna style", "على الطراز التكني"),
    ("fait main à Guelmim", "handmade in Guelmim", "مصنوع| يدويا في كلميم"),
    ("au décor de l'oued Noun", "with Oued Noun patterns", "بزخارف واد نون"),
)

CRAFTS: tuple[CraftSpec, ...] = (
    CraftSpec(
        "silver-jewellery",
        "Bijoux en argent",
        "Silver jewellery",
        "الحلي الفضية",
        "productive",
        items=(
            Item("Bracelet", "Bracelet", "سوار", 350, 2400, 80, "7 cm", "m", "m"),
            Item("Collier", "Necklace", "قلادة", 450, 3500, 120, "45 cm", "m", "f"),
            Item("Bague", "Ring", "خاتم", 180, 900, 15, "T. 54", "f", "m"),
            Item(
                "Paire de boucles d'oreilles",
                "Pair of earrings",
                "زوج أقراط",
                220,
                1200,
                20,
                "4 cm",
                "f",
                "m",
            ),
            Item("Fibule khlala", "Khlala fibula", "خلالة", 600, 2800, 90, "12 cm", "f", "f"),
            Item(
                "Pendentif croix du Sud",
                "Southern cross pendant",
                "قلادة صليب الجنوب",
                260,
                1500,
                25,
                "5 cm",
                "m",
                "f",
            ),
        ),
        qualifiers=(
            ("ciselé| à la main", "hand-engraved", "منقوش| باليد"),
            ("serti| d'ambre", "set with amber", "مرصع| بالعنبر"),
            ("à l'émail vert", "with green enamel", "بالمينا الخضراء"),
            ("en filigrane", "in filigree", "بالتخريم"),
        ),
        materials=(
            ("argent 925", "925 silver", "فضة 925"),
            ("argent et ambre", "silver and amber", "فضة وعنبر"),
            ("argent et émail", "silver and enamel", "فضة ومينا"),
        ),
    ),
    CraftSpec(
        "leather",
        "Maroquinerie",
        "Leatherwork",
        "الصناعة الجلدية",
        "productive",
        items=(
            Item("Sac de selle", "Saddle bag", "حقيبة سرج", 650, 1900, 900, "35 × 28 cm", "m", "f"),
            Item(
                "Coussin en cuir",
                "Leather cushion",
                "وسادة جلدية",
                380,
                1100,
                700,
                "45 × 45 cm",
                "m",
                "f",
            ),
            Item("Babouches", "Babouche slippers", "بلغة", 180, 520, 400, "T. 38–44", "fp", "f"),
            Item("Portefeuille", "Wallet", "محفظة", 150, 420, 120, "11 × 9 cm", "m", "f"),
            Item(
                "Sacoche tezdamet",
                "Tezdamet pouch",
                "جراب تزدامت",
                280,
                850,
                300,
                "25 × 18 cm",
                "f",
                "m",
            ),
        ),
        qualifiers=(
            ("brodé| de soie", "embroidered with silk", "مطرز| بالحرير"),
            ("teint| au henné", "dyed with henna", "مصبوغ| بالحناء"),
            ("à franges", "with fringes", "بالأهداب"),
        ),
        materials=(
            (
                "cuir de chèvre tanné végétal",
                "vegetable-tanned goat leather",
                "جلد ماعز مدبوغ نباتيا",
            ),
            ("cuir de chameau", "camel leather", "جلد الإبل"),
        ),
    ),
    CraftSpec(
        "pottery",
        "Poterie",
        "Pottery",
        "الفخار",
        "productive",
        items=(
            Item("Tajine", "Tagine", "طاجين", 160, 650, 2500, "Ø 30 cm", "m", "m"),
            Item("Jarre à eau", "Water jar", "خابية ماء", 220, 900, 4000, "H. 45 cm", "f", "f"),
            Item("Bol", "Bowl", "زلافة", 60, 220, 400, "Ø 15 cm", "m", "f"),
            Item("Brûle-encens", "Incense burner", "مبخرة", 90, 320, 500, "H. 14 cm", "m", "f"),
            Item("Plat à couscous", "Couscous dish", "قصعة", 250, 780, 3000, "Ø 38 cm", "m", "f"),
        ),
        qualifiers=(
            ("en terre cuite", "in terracotta", "من الطين المحروق"),
            ("émaillé| vert", "with green glaze", "بطلاء أخضر"),
            ("peint| à la main", "hand-painted", "مرسوم| باليد"),
        ),
        materials=(
            ("argile de l'oued Noun", "Oued Noun clay", "طين واد نون"),
            ("terre cuite émaillée", "glazed terracotta", "فخار مطلي"),
        ),
    ),
    CraftSpec(
        "carpets-weaving",
        "Tapis et tissage",
        "Carpets and weaving",
        "الزرابي والنسيج",
        "productive",
        items=(
            Item("Tapis", "Rug", "زربية", 1200, 9500, 6000, "200 × 140 cm", "m", "f"),
            Item("Kilim", "Kilim", "حنبل", 800, 4800, 3500, "180 × 110 cm", "m", "m"),
            Item(
                "Tapis de prière",
                "Prayer rug",
                "سجادة صلاة",
                450,
                1600,
                1500,
                "110 × 70 cm",
                "m",
                "f",
            ),
            Item(
                "Coussin tissé",
                "Woven cushion",
                "وسادة منسوجة",
                260,
                780,
                600,
                "45 × 45 cm",
                "m",
                "f",
            ),
            Item(
                "Tente khaïma miniature",
                "Miniature khaima tent",
                "خيمة مصغرة",
                500,
                1800,
                2000,
                "60 × 40 cm",
                "f",
                "f",
            ),
        ),
        qualifiers=(
            ("en laine naturelle", "in natural wool", "من الصوف الطبيعي"),
            ("aux teintures végétales", "with plant dyes", "بصباغة نباتية"),
            ("à motifs géométriques", "with geometric patterns", "بزخارف هندسية"),
        ),
        materials=(
            ("laine de mouton", "sheep's wool", "صوف الغنم"),
            ("laine et poil de chameau", "wool and camel hair", "صوف ووبر الإبل"),
        ),
        made_to_order_share=0.25,
    ),
    CraftSpec(
        "melhfa-textiles",
        "Melhfa et textiles",
        "Melhfa and textiles",
        "الملحفة والمنسوجات",
        "productive",
        items=(
            Item("Melhfa", "Melhfa", "ملحفة", 300, 1400, 500, "4 m × 1,6 m", "f", "f"),
            Item("Foulard", "Scarf", "وشاح", 120, 420, 120, "180 × 70 cm", "m", "m"),
            Item("Draâa", "Daraa robe", "دراعة", 450, 1800, 700, "T. unique", "f", "f"),
            Item("Chèche", "Cheche turban", "لثام", 110, 380, 200, "3 m", "m", "m"),
        ),
        qualifiers=(
            ("teint| à la main", "hand-dyed", "مصبوغ| باليد"),
            ("brodé| de fil d'or", "embroidered with gold thread", "مطرز| بخيط ذهبي"),
            ("en voile léger", "in light voile", "من القماش الخفيف"),
        ),
        materials=(
            ("voile de coton", "cotton voile", "قماش قطني"),
            ("coton et soie", "cotton and silk", "قطن وحرير"),
        ),
    ),
    CraftSpec(
        "woodwork",
        "Travail du bois",
        "Woodwork",
        "الصناعة الخشبية",
        "productive",
        items=(
            Item("Coffret", "Box", "صندوق", 180, 950, 800, "25 × 15 × 10 cm", "m", "m"),
            Item("Table basse", "Low table", "مائدة", 900, 3800, 9000, "Ø 60 × 35 cm", "f", "f"),
            Item("Miroir", "Mirror", "مرآة", 420, 1500, 2500, "50 × 35 cm", "m", "f"),
            Item(
                "Cuillères à couscous",
                "Couscous spoons",
                "ملاعق الكسكس",
                60,
                180,
                150,
                "25 cm",
                "fp",
                "f",
            ),
        ),
        qualifiers=(
            ("sculpté| à la main", "hand-carved", "منحوت| يدويا"),
            ("incrusté| d'os", "inlaid with bone", "مطعم| بالعظم"),
            ("peint| au motif saharien", "painted with Saharan patterns", "مرسوم| بزخارف صحراوية"),
        ),
        materials=(
            ("bois de thuya", "thuya wood", "خشب العرعار"),
            ("bois d'acacia", "acacia wood", "خشب الطلح"),
        ),
        made_to_order_share=0.3,
    ),
    CraftSpec(
        "palm-basketry",
        "Palmier et vannerie",
        "Palm and basketry",
        "السعف والسلالة",
        "productive",
        items=(
            Item("Panier", "Basket", "سلة", 90, 380, 500, "Ø 35 cm", "m", "f"),
            Item("Tapis de palme", "Palm mat", "حصير", 150, 600, 1500, "150 × 90 cm", "m", "m"),
            Item("Chapeau de palme", "Palm hat", "ترازة", 80, 220, 200, "Ø 45 cm", "m", "f"),
            Item("Couvre-plat tbag", "Tbag dish cover", "طبق", 120, 450, 400, "Ø 40 cm", "m", "m"),
        ),
        qualifiers=(
            ("tressé| à la main", "hand-woven", "مضفور| باليد"),
            ("aux couleurs naturelles", "in natural colours", "بألوان طبيعية"),
        ),
        materials=(
            ("feuilles de palmier doum", "doum palm leaves", "سعف الدوم"),
            ("palme et cuir", "palm and leather", "سعف وجلد"),
        ),
    ),
    CraftSpec(
        "argan-cosmetics",
        "Argan et cosmétiques",
        "Argan and cosmetics",
        "الأركان ومستحضرات التجميل",
        "productive",
        items=(
            Item(
                "Huile d'argan cosmétique",
                "Cosmetic argan oil",
                "زيت أركان تجميلي",
                90,
                280,
                250,
                "100 ml",
                "f",
                "m",
            ),
            Item(
                "Huile d'argan alimentaire",
                "Culinary argan oil",
                "زيت أركان غذائي",
                110,
                320,
                600,
                "250 ml",
                "f",
                "m",
            ),
            Item("Savon noir", "Black soap", "صابون بلدي", 40, 120, 300, "250 g", "m", "m"),
            Item("Amlou", "Amlou spread", "أملو", 70, 180, 350, "250 g", "m", "m"),
        ),
        qualifiers=(
            ("de la coopérative", "from the cooperative", "من التعاونية"),
            ("pressé| à froid", "cold-pressed", "معصور| على البارد"),
            ("bio", "organic", "عضوي|"),
        ),
        materials=(("amandes d'argan", "argan kernels", "لوز الأركان"),),
        made_to_order_share=0.0,
    ),
    CraftSpec(
        "brass-copper",
        "Dinanderie",
        "Brass and copper",
        "النحاسة",
        "productive",
        items=(
            Item("Plateau à thé", "Tea tray", "صينية", 350, 1600, 2200, "Ø 45 cm", "m", "f"),
            Item("Théière", "Teapot", "براد", 240, 900, 900, "1 l", "f", "m"),
            Item("Lanterne", "Lantern", "فانوس", 300, 1400, 1500, "H. 40 cm", "f", "m"),
        ),
        qualifiers=(
            ("martelé| à la main", "hand-hammered", "مطروق| يدويا"),
            ("ciselé|", "chased", "منقوش|"),
        ),
        materials=(
            ("laiton", "brass", "نحاس أصفر"),
            ("cuivre", "copper", "نحاس أحمر"),
        ),
    ),
    CraftSpec(
        "tailoring-embroidery",
        "Couture et broderie",
        "Tailoring and embroidery",
        "الخياطة والطرز",
        "service",
    ),
    CraftSpec(
        "repair-restoration",
        "Réparation et restauration",
        "Repair and restoration",
        "الإصلاح والترميم",
        "service",
    ),
    CraftSpec("dyeing", "Teinture", "Dyeing", "الصباغة", "service"),
)


FRENCH_ENDINGS = {"m": "", "f": "e", "mp": "s", "fp": "es"}


def agree(phrase: str, gender: str, lang: str) -> str:
    """Make the adjective before '|' agree with the item's gender ('ciselé|' → 'ciselée')."""
    head, bar, rest = phrase.partition("|")
    if not bar:
        return phrase
    if lang == "fr":
        return head + FRENCH_ENDINGS[gender] + rest
    if lang == "ar" and gender == "f":
        return head + "ة" + rest
    return head + rest
