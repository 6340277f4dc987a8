package analysis

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// A corpus the topic tests write themselves: contributions on five known
// topics, each worded differently (synonyms, varied sentences, inflected
// forms), with sentences every topic shares (places, politeness), in German
// and in English, generated from templates with a fixed seed.

type corpusTopic struct {
	words     [][]string // slots: {0}, {1}, {2} pick from words[0], words[1], words[2]
	sentences []string
	titles    []string
}

var corpusDE = []corpusTopic{
	{ // Radweg / Verkehr
		words: [][]string{{"Radweg", "Fahrradweg", "Radstreifen", "Radspur", "Fahrradstreifen"},
			{"Radfahrer", "Radfahrerinnen", "Radler", "Fahrradfahrer"},
			{"gefährlich", "zu schmal", "holprig", "unterbrochen", "lebensgefährlich"}},
		sentences: []string{"Der {0} ist {2}.", "Als {1} fühlt man sich auf dem {0} nicht sicher.",
			"Bitte den {0} verbreitern, die {1} werden von Lastwagen überholt.", "Ein durchgehender {0} für {1} fehlt.",
			"Die {1} müssen sich den Gehweg mit Fußgängern teilen, weil der {0} {2} ist.", "Das Fahrrad ist hier im Verkehr benachteiligt, der {0} ist {2}."},
		titles: []string{"{0} sanieren", "Sicherer {0}", "{0} für {1}", "{0} ist {2}"},
	},
	{ // Spielplatz / Kinder
		words: [][]string{{"Spielplatz", "Spielplatzes", "Spielplätze", "Kinderspielplatz"},
			{"Kinder", "Kleinkinder", "Kindern", "Familien mit Kindern"},
			{"Schaukel", "Rutsche", "Sandkasten", "Klettergerüst", "Wippe"}},
		sentences: []string{"Die {1} brauchen einen neuen {0}.", "Auf dem {0} ist die {2} kaputt.",
			"Eine {2} für die {1} wäre toll.", "Der {0} ist für {1} viel zu klein.",
			"Wir wünschen uns mehr Spielgeräte wie eine {2}.", "Die {1} spielen auf der Straße, weil ein {0} fehlt."},
		titles: []string{"Neuer {0}", "{2} für {1}", "{0} erweitern", "Mehr Platz für {1}"},
	},
	{ // Bäume / Grün
		words: [][]string{{"Bäume", "Baum", "Straßenbäume", "Obstbäume", "Linden"},
			{"Grünfläche", "Wiese", "Park", "Grünstreifen", "Blumenbeet"},
			{"pflanzen", "erhalten", "gießen", "nachpflanzen", "schützen"}},
		sentences: []string{"Hier sollte man mehr {0} {2}.", "Die {1} braucht Schatten durch {0}.",
			"Bitte die alten {0} {2} und nicht fällen.", "Aus dem Parkplatz könnte eine {1} werden.",
			"Im Sommer ist es ohne {0} unerträglich heiß.", "Die {1} verwildert, man sollte sie pflegen und {0} {2}."},
		titles: []string{"Mehr {0}", "{0} {2}", "{1} statt Beton", "Grün für die {1}"},
	},
	{ // Beleuchtung / Sicherheit
		words: [][]string{{"Beleuchtung", "Straßenbeleuchtung", "Laternen", "Straßenlaternen", "Lampen"},
			{"dunkel", "finster", "stockdunkel", "schlecht beleuchtet"},
			{"unsicher", "ängstlich", "unwohl", "bedroht"}},
		sentences: []string{"Nachts ist der Weg {1}, man fühlt sich {2}.", "Es braucht mehr {0} an der Unterführung.",
			"Die {0} ist seit Wochen kaputt und es ist {1}.", "Abends gehen viele Frauen hier nur {2} entlang, weil es {1} ist.",
			"Mehr Licht durch neue {0} würde helfen.", "Im Winter ist es ab fünf Uhr {1} und die {0} fehlt."},
		titles: []string{"Mehr {0}", "Zu {1} nachts", "{0} reparieren", "Angstraum: {1}"},
	},
	{ // Parken
		words: [][]string{{"Parkplätze", "Stellplätze", "Parkplatz", "Anwohnerparkplätze", "Parkhaus"},
			{"Autos", "Falschparker", "Lieferwagen", "parkende Autos", "Pkw"},
			{"zugeparkt", "blockiert", "verstopft", "überfüllt"}},
		sentences: []string{"Es gibt zu wenige {0} für Anwohner.", "Die Einfahrt ist ständig von {1} {2}.",
			"Abends sind alle {0} belegt und die Straße ist {2}.", "Die {1} stehen auf dem Gehweg, weil {0} fehlen.",
			"Ein {0} am Rand würde die Parksituation entlasten.", "Das Parken ist hier ein Problem, die Straße ist {2}."},
		titles: []string{"Mehr {0}", "{1} auf dem Gehweg", "Parken neu ordnen", "Straße {2}"},
	},
}

var corpusEN = []corpusTopic{
	{
		words: [][]string{{"cycle lane", "bike lane", "cycle path", "bike path", "cycleway"},
			{"cyclists", "riders", "people on bikes", "bicycle riders"},
			{"dangerous", "too narrow", "bumpy", "interrupted", "deadly"}},
		sentences: []string{"The {0} is {2}.", "As {1} we do not feel safe on the {0}.",
			"Please widen the {0}, {1} get overtaken by lorries.", "A continuous {0} for {1} is missing.",
			"The {1} have to share the pavement with pedestrians because the {0} is {2}.", "Bicycles are at a disadvantage in traffic here, the {0} is {2}."},
		titles: []string{"Repair the {0}", "Safe {0}", "{0} for {1}", "{0} is {2}"},
	},
	{
		words: [][]string{{"playground", "playgrounds", "play area", "children's playground"},
			{"children", "toddlers", "kids", "families with children"},
			{"swing", "slide", "sandpit", "climbing frame", "seesaw"}},
		sentences: []string{"The {1} need a new {0}.", "The {2} on the {0} is broken.",
			"A {2} for the {1} would be great.", "The {0} is far too small for {1}.",
			"We would like more play equipment such as a {2}.", "The {1} play in the street because there is no {0}."},
		titles: []string{"New {0}", "{2} for {1}", "Extend the {0}", "More room for {1}"},
	},
	{
		words: [][]string{{"trees", "tree", "street trees", "fruit trees", "lime trees"},
			{"green space", "meadow", "park", "verge", "flower bed"},
			{"plant", "keep", "water", "replant", "protect"}},
		sentences: []string{"More {0} should be planted here, please {2} them.", "The {1} needs shade from {0}.",
			"Please {2} the old {0} and do not fell them.", "The car park could become a {1}.",
			"In summer it is unbearably hot without {0}.", "The {1} is overgrown, it should be tended and the {0} {2}ed."},
		titles: []string{"More {0}", "{2} {0}", "{1} instead of concrete", "Greenery for the {1}"},
	},
	{
		words: [][]string{{"lighting", "street lighting", "lamps", "street lamps", "lights"},
			{"dark", "pitch dark", "gloomy", "badly lit"},
			{"unsafe", "afraid", "uneasy", "threatened"}},
		sentences: []string{"At night the path is {1}, one feels {2}.", "The underpass needs more {0}.",
			"The {0} has been broken for weeks and it is {1}.", "In the evening many women walk here feeling {2} because it is {1}.",
			"New {0} would help.", "In winter it is {1} from five o'clock and the {0} is missing."},
		titles: []string{"More {0}", "Too {1} at night", "Repair the {0}", "Feeling {2}: {1}"},
	},
	{
		words: [][]string{{"parking spaces", "parking spots", "parking space", "residents' parking", "car park"},
			{"cars", "illegal parkers", "vans", "parked cars", "vehicles"},
			{"blocked", "jammed", "clogged", "overcrowded"}},
		sentences: []string{"There are too few {0} for residents.", "The driveway is constantly {2} by {1}.",
			"In the evening all {0} are taken and the street is {2}.", "The {1} stand on the pavement because {0} are missing.",
			"Some {0} at the edge would ease the parking situation.", "Parking is a problem here, the street is {2}."},
		titles: []string{"More {0}", "{1} on the pavement", "Reorganise parking", "Street {2}"},
	},
}

// The sentences any topic may carry.
var (
	sharedDE = []string{"Das betrifft viele Anwohner in der {p}.", "Ich wohne seit Jahren in der {p}.", "Danke für die Möglichkeit, mitzureden.",
		"Das sehe ich jeden Tag auf dem Weg zur Arbeit.", "Bitte kümmern Sie sich darum.", "Die Situation an der {p} muss sich ändern."}
	sharedEN = []string{"This affects many residents of {p}.", "I have lived in {p} for years.", "Thank you for the chance to have a say.",
		"I see this every day on my way to work.", "Please take care of it.", "The situation on {p} has to change."}
	placesDE = []string{"Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Marktplatz", "Gartenweg", "Lessingstraße"}
	placesEN = []string{"High Street", "Station Road", "Church Lane", "Market Square", "Garden Way", "Mill Road"}
)

// corpus writes n contributions, each on a known topic (topic i of n goes
// to topic i mod 5). The same seed and n give the same texts; the German
// and English corpora pick the same templates in the same order.
func corpus(n int, english bool, seed uint64) (docs []Doc, truth []int) {
	topics, shared, places := corpusDE, sharedDE, placesDE
	if english {
		topics, shared, places = corpusEN, sharedEN, placesEN
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	fill := func(s string, t corpusTopic) string {
		for k, ws := range t.words {
			s = strings.ReplaceAll(s, fmt.Sprintf("{%d}", k), ws[rng.IntN(len(ws))])
		}
		return strings.ReplaceAll(s, "{p}", places[rng.IntN(len(places))])
	}
	for i := 0; i < n; i++ {
		k := i % len(topics)
		t := topics[k]
		var b strings.Builder
		b.WriteString(fill(t.titles[rng.IntN(len(t.titles))], t))
		b.WriteString("\n")
		for _, j := range rng.Perm(len(t.sentences))[:1+rng.IntN(3)] {
			b.WriteString(fill(t.sentences[j], t) + " ")
		}
		if rng.IntN(4) == 0 { // a side remark on another topic
			o := topics[(k+1+rng.IntN(len(topics)-1))%len(topics)]
			b.WriteString(fill(o.sentences[rng.IntN(len(o.sentences))], o) + " ")
		}
		for range rng.IntN(3) {
			b.WriteString(fill(shared[rng.IntN(len(shared))], t) + " ")
		}
		docs = append(docs, Doc{ID: fmt.Sprintf("c%06d", i), Category: []string{"verkehr", "gruen", "sonstiges"}[rng.IntN(3)],
			Origin: []string{"online", "online", "table:1", "letter"}[rng.IntN(4)], Text: b.String(), Up: rng.IntN(5), Down: rng.IntN(2)})
		truth = append(truth, k)
	}
	return docs, truth
}

// purity is the share of docs whose topic's most common true topic is
// their own.
func purity(topics []Topic, docs []Doc, truth []int) float64 {
	index := map[string]int{}
	for i, d := range docs {
		index[d.ID] = i
	}
	right := 0
	for _, t := range topics {
		count := map[int]int{}
		best := 0
		for _, id := range t.Members {
			count[truth[index[id]]]++
			best = max(best, count[truth[index[id]]])
		}
		right += best
	}
	return float64(right) / float64(len(docs))
}
