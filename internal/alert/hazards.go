package alert

// Hazard is a template a warning starts from: the CAP event in each language, category and the
// usual urgency, severity, certainty and response, and a default instruction.
type Hazard struct {
	Code          string
	Category      string // CAP category
	Urgency       string
	Severity      string
	Certainty     string
	ResponseTypes []string
	Event         map[string]string // by language
	Instruction   map[string]string // by language; English and Urdu at least
}

// hazards lists the templates; the events and instructions follow NDMA's and PMD's usage.
var hazards = []Hazard{
	{Code: "riverine_flood", Category: "Met", Urgency: "Expected", Severity: "Severe", Certainty: "Likely", ResponseTypes: []string{"Evacuate", "Prepare"},
		Event: map[string]string{"en": "Riverine flood", "ur": "دریائی سیلاب", "ru": "Речное наводнение", "zh": "河流洪水"},
		Instruction: map[string]string{
			"en": "Move people, livestock and valuables to higher ground. Follow the instructions of the district administration and Rescue 1122.",
			"ur": "لوگوں، مویشیوں اور قیمتی سامان کو بلند مقامات پر منتقل کریں۔ ضلعی انتظامیہ اور ریسکیو 1122 کی ہدایات پر عمل کریں۔",
			"ru": "Переместите людей, скот и ценности на возвышенность. Следуйте указаниям районной администрации и спасательных служб.",
			"zh": "请将人员、牲畜和贵重物品转移至高处，服从地区行政部门和救援机构的指挥。"}},
	{Code: "flash_flood", Category: "Met", Urgency: "Immediate", Severity: "Severe", Certainty: "Likely", ResponseTypes: []string{"Evacuate"},
		Event: map[string]string{"en": "Flash flood", "ur": "اچانک سیلاب", "ru": "Внезапный паводок", "zh": "山洪"},
		Instruction: map[string]string{
			"en": "Stay away from streams, nullahs and low-lying areas. Do not cross flowing water.",
			"ur": "ندی نالوں اور نشیبی علاقوں سے دور رہیں۔ بہتے پانی کو عبور نہ کریں۔",
			"ru": "Держитесь подальше от ручьёв и низин. Не переходите текущую воду.",
			"zh": "远离溪流、排水沟和低洼地区，切勿涉水通行。"}},
	{Code: "glof", Category: "Geo", Urgency: "Immediate", Severity: "Extreme", Certainty: "Possible", ResponseTypes: []string{"Evacuate"},
		Event: map[string]string{"en": "Glacial lake outburst flood", "ur": "گلیشیئر جھیل کے پھٹنے سے سیلاب (GLOF)", "ru": "Прорыв ледникового озера", "zh": "冰湖溃决洪水"},
		Instruction: map[string]string{
			"en": "Leave the valley floor and riverbanks at once for the marked safe places.",
			"ur": "وادی کے نشیبی حصے اور دریا کے کنارے فوراً چھوڑ کر نشان زدہ محفوظ مقامات پر پہنچیں۔",
			"ru": "Немедленно покиньте дно долины и берега реки и пройдите в обозначенные безопасные места.",
			"zh": "立即离开谷底和河岸，前往指定的安全地点。"}},
	{Code: "earthquake", Category: "Geo", Urgency: "Immediate", Severity: "Severe", Certainty: "Observed", ResponseTypes: []string{"Assess", "Monitor"},
		Event: map[string]string{"en": "Earthquake", "ur": "زلزلہ", "ru": "Землетрясение", "zh": "地震"},
		Instruction: map[string]string{
			"en": "Expect aftershocks. Stay out of damaged buildings and report casualties to 1122.",
			"ur": "آفٹر شاکس متوقع ہیں۔ متاثرہ عمارتوں سے دور رہیں اور جانی نقصان کی اطلاع 1122 پر دیں۔",
			"ru": "Ожидаются повторные толчки. Не входите в повреждённые здания.",
			"zh": "可能发生余震，请远离受损建筑。"}},
	{Code: "heatwave", Category: "Met", Urgency: "Expected", Severity: "Severe", Certainty: "Likely", ResponseTypes: []string{"Prepare"},
		Event: map[string]string{"en": "Heatwave", "ur": "ہیٹ ویو (شدید گرمی کی لہر)", "ru": "Аномальная жара", "zh": "热浪"},
		Instruction: map[string]string{
			"en": "Drink water often, avoid the sun between 11:00 and 16:00, and check on the elderly and children.",
			"ur": "بار بار پانی پئیں، دن 11 بجے سے 4 بجے تک دھوپ سے بچیں، اور بزرگوں اور بچوں کا خیال رکھیں۔",
			"ru": "Пейте больше воды, избегайте солнца с 11:00 до 16:00, позаботьтесь о пожилых и детях.",
			"zh": "多喝水，11:00至16:00避免日晒，照顾好老人和儿童。"}},
	{Code: "cyclone", Category: "Met", Urgency: "Expected", Severity: "Extreme", Certainty: "Likely", ResponseTypes: []string{"Evacuate", "Shelter"},
		Event: map[string]string{"en": "Tropical cyclone", "ur": "سمندری طوفان", "ru": "Тропический циклон", "zh": "热带气旋"},
		Instruction: map[string]string{
			"en": "Fishermen must not go to sea. Coastal residents move to the designated shelters.",
			"ur": "ماہی گیر سمندر میں نہ جائیں۔ ساحلی آبادی مقررہ پناہ گاہوں میں منتقل ہو جائے۔",
			"ru": "Рыбакам запрещено выходить в море. Жителям побережья перейти в укрытия.",
			"zh": "渔民禁止出海，沿海居民转移至指定避难所。"}},
	{Code: "landslide", Category: "Geo", Urgency: "Expected", Severity: "Severe", Certainty: "Possible", ResponseTypes: []string{"Avoid", "Prepare"},
		Event: map[string]string{"en": "Landslide", "ur": "لینڈ سلائیڈنگ", "ru": "Оползень", "zh": "滑坡"},
		Instruction: map[string]string{
			"en": "Avoid travel on mountain roads; stay away from steep slopes and cuttings.",
			"ur": "پہاڑی سڑکوں پر سفر سے گریز کریں؛ ڈھلوانوں اور کٹاؤ والی جگہوں سے دور رہیں۔",
			"ru": "Избегайте поездок по горным дорогам; держитесь подальше от крутых склонов.",
			"zh": "避免在山区道路通行，远离陡坡。"}},
	{Code: "avalanche", Category: "Geo", Urgency: "Expected", Severity: "Severe", Certainty: "Possible", ResponseTypes: []string{"Avoid"},
		Event: map[string]string{"en": "Avalanche", "ur": "برفانی تودہ", "ru": "Лавина", "zh": "雪崩"},
		Instruction: map[string]string{
			"en": "Do not travel in avalanche-prone areas; follow road closures.",
			"ur": "برفانی تودوں کے خطرے والے علاقوں میں سفر نہ کریں؛ سڑکوں کی بندش کی پابندی کریں۔",
			"ru": "Не выезжайте в лавиноопасные районы; соблюдайте закрытие дорог.",
			"zh": "请勿进入雪崩易发区，遵守道路封闭规定。"}},
	{Code: "urban_flood", Category: "Met", Urgency: "Expected", Severity: "Moderate", Certainty: "Likely", ResponseTypes: []string{"Avoid", "Prepare"},
		Event: map[string]string{"en": "Urban flooding", "ur": "اربن فلڈنگ", "ru": "Подтопление городских территорий", "zh": "城市内涝"},
		Instruction: map[string]string{
			"en": "Avoid underpasses and low roads; keep away from electric poles and wires.",
			"ur": "انڈر پاسز اور نشیبی سڑکوں سے گریز کریں؛ بجلی کے کھمبوں اور تاروں سے دور رہیں۔",
			"ru": "Избегайте подземных переходов и низких участков дорог; держитесь подальше от электропроводов.",
			"zh": "避开地下通道和低洼路段，远离电线杆和电线。"}},
	{Code: "tsunami", Category: "Geo", Urgency: "Immediate", Severity: "Extreme", Certainty: "Possible", ResponseTypes: []string{"Evacuate"},
		Event: map[string]string{"en": "Tsunami", "ur": "سونامی", "ru": "Цунами", "zh": "海啸"},
		Instruction: map[string]string{
			"en": "Move inland or to high ground immediately. Do not go to the shore.",
			"ur": "فوراً ساحل سے دور یا بلند جگہ پر چلے جائیں۔ ساحل کی طرف نہ جائیں۔",
			"ru": "Немедленно уйдите вглубь суши или на возвышенность. Не подходите к берегу.",
			"zh": "立即向内陆或高处转移，切勿前往海边。"}},
}

// Hazards returns the hazard templates.
func Hazards() []Hazard { return hazards }

// HazardByCode returns the template with code.
func HazardByCode(code string) (Hazard, bool) {
	for _, h := range hazards {
		if h.Code == code {
			return h, true
		}
	}
	return Hazard{}, false
}
