"""Names, places and texts of the demo artisans and shops (fr/en/ar)."""

from __future__ import annotations

FIRST_NAMES = (
    ("Fatima", "فاطمة"),
    ("Mbarka", "امباركة"),
    ("Aicha", "عائشة"),
    ("Khadija", "خديجة"),
    ("Salka", "السالكة"),
    ("Zahra", "الزهرة"),
    ("Mahjouba", "محجوبة"),
    ("Naima", "نعيمة"),
    ("Rkia", "رقية"),
    ("Souad", "سعاد"),
    ("Hafsa", "حفصة"),
    ("Mariem", "مريم"),
    ("Bouchra", "بشرى"),
    ("Hassan", "حسن"),
    ("Mohamed", "محمد"),
    ("Brahim", "ابراهيم"),
    ("Lahcen", "لحسن"),
    ("Ahmed", "أحمد"),
    ("Mbarek", "امبارك"),
    ("Said", "سعيد"),
    ("Omar", "عمر"),
    ("Abdellah", "عبد الله"),
    ("Youssef", "يوسف"),
    ("Hamid", "حميد"),
    ("Ali", "علي"),
    ("Salem", "سالم"),
    ("Lamine", "الأمين"),
    ("Hamdi", "حمدي"),
)

FAMILY_NAMES = (
    ("Ait Lahcen", "آيت لحسن"),
    ("Boukhris", "بوخريص"),
    ("El Idrissi", "الإدريسي"),
    ("Lemrabet", "المرابط"),
    ("Ould Sidi", "ولد سيدي"),
    ("Amghar", "أمغار"),
    ("Bouzid", "بوزيد"),
    ("Tekni", "التكني"),
    ("El Gharbi", "الغربي"),
    ("Boulahcen", "بولحسن"),
    ("Naciri", "الناصري"),
    ("Aglaou", "أكلاو"),
    ("Ennaji", "الناجي"),
    ("Belkacem", "بلقاسم"),
    ("Ait Oumghar", "آيت أومغار"),
    ("Lmoudden", "المودن"),
    ("Chebani", "الشباني"),
    ("Ait Baamrane", "آيت باعمران"),
)

PLACES = (
    ("Tighmert", "تغمرت"),
    ("Asrir", "أسرير"),
    ("Oued Noun", "واد نون"),
    ("Fask", "فاصك"),
    ("Taghjijt", "تاغجيجت"),
    ("Abaynou", "أباينو"),
    ("Bouizakarne", "بويزكارن"),
    ("Amtdi", "امتضي"),
    ("Tiglit", "تيكليت"),
    ("Assa", "أسا"),
    ("Laqsabi", "القصابي"),
    ("Tan-Tan", "طانطان"),
    ("Sidi Ifni", "سيدي إفني"),
    ("Plage Blanche", "الشاطئ الأبيض"),
)

SHOP_PREFIXES = (
    ("Dar", "دار"),
    ("Atelier", "ورشة"),
    ("Maison", "بيت"),
    ("Coopérative", "تعاونية"),
)

BIOS = {
    "fr": (
        "{name} a appris son métier auprès de sa famille, dans la région de {place}. "
        "Son travail de {craft} suit les gestes transmis de génération en génération.\n\n"
        "Dans la boutique n° {shop} de la zone d'activités, {name} reçoit les visiteurs et "
        "accepte volontiers les commandes sur mesure."
    ),
    "en": (
        "{name} learned the trade from family in the {place} area. Their {craft} work follows "
        "gestures handed down from one generation to the next.\n\n"
        "In shop no. {shop} of the activities zone, {name} welcomes visitors and gladly takes "
        "made-to-measure orders."
    ),
    "ar": (
        "تعلم {name} الحرفة داخل العائلة في منطقة {place}. ويتبع عمله في {craft} "
        "حركات متوارثة جيلا بعد جيل.\n\n"
        "في المحل رقم {shop} بمنطقة الأنشطة، يستقبل {name} الزوار ويقبل الطلبات حسب المقاس."
    ),
}

DESCRIPTIONS = {
    "fr": (
        "{item} {qualifier} : une pièce réalisée par {name} dans son atelier du centre de "
        "Guelmim. Matière : {material}.\n\n"
        "Chaque pièce est unique : de petites différences de forme et de couleur témoignent "
        "du travail à la main."
    ),
    "en": (
        "{item} {qualifier}: a piece made by {name} in their workshop at the Guelmim "
        "crafts centre. Material: {material}.\n\n"
        "Every piece is unique: small differences in shape and colour are the mark of "
        "handwork."
    ),
    "ar": (
        "{item} {qualifier}: قطعة من صنع {name} في ورشته بمركز الصناعة التقليدية بكلميم. "
        "المادة: {material}.\n\n"
        "كل قطعة فريدة: الفروق الصغيرة في الشكل واللون دليل على العمل اليدوي."
    ),
}
