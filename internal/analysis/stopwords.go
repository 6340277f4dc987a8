package analysis

import "strings"

// The stop words: words left out of the counts. Three lists, documented so a
// planner can tell why a word is missing:
//
//   - germanStop is the Snowball project's German stop-word list
//     (snowballstem.org, algorithms/german/stop.txt) with "dass" added (the
//     list still spells "daß") and "weg" taken out: in a planning procedure
//     "Weg" is a path, not the adverb "away".
//   - germanForms adds the forms of the auxiliary and modal verbs the
//     Snowball list leaves out (wäre, wären, würde, müsste, dürfte, möchte …)
//     and a few fillers of written comments (bitte, leider, schon, eigentlich).
//   - planningStop is a short list for this domain: verbs that only frame
//     what a resident asks for ("es fehlt …", "ich wünsche mir …", "wir
//     brauchen …", "gibt es …"). The thing that is missing is the content;
//     "fehlt" itself carries little, so it goes.
//   - englishStop is the Snowball English stop-word list (algorithms/english/
//     stop.txt) plus the modal verbs and the stubs that splitting at
//     apostrophes leaves ("don", "isn").
//
// Every text is checked against all of them: a German text quoting "Park and
// Ride" should not count "and", and no word of one list is a content word of
// the other in comments on public planning. The lists are matched on the
// lower-cased word as written (with umlauts and ß).
const (
	germanStop = `aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm andern anderr anders
auch auf aus bei bin bis bist da damit dann der den des dem die das daß dass derselbe derselben denselben desselben demselben dieselbe
dieselben dasselbe dazu dein deine deinem deinen deiner deines denn derer dessen dich dir du dies diese diesem diesen dieser dieses
doch dort durch ein eine einem einen einer eines einig einige einigem einigen einiger einiges einmal er ihn ihm es etwas euer eure
eurem euren eurer eures für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich mich mir ihr ihre ihrem ihren ihrer
ihres euch im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner
keines können könnte machen man manche manchem manchen mancher manches mein meine meinem meinen meiner meines mit muss musste nach
nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie ihnen sind so solche solchem
solchen solcher solches soll sollte sondern sonst über um und uns unsere unserem unseren unser unseres unter viel vom von vor während
war waren warst was weil weiter welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen
wollte würde würden zu zum zur zwar zwischen`

	germanForms = `wäre wären wärst wärt wärest sei seien seist seid könnten konnte konnten kannst könnt müssen muß musst müsst müsste
müssten mussten darf darfst dürfen dürft dürfte dürften durfte durften mag magst mögen möchte möchten möchtest mochte sollen sollst
sollt sollten solltest willst wollt wollten würdest würdet wurde wurden worden wird hast habt hätte hätten hättest gibt gab gäbe
ab beim bereits bitte dabei dafür dagegen daher dadurch daran darauf darüber darum davon deshalb deswegen dir eben eigentlich einfach
etwa ganz gar gern gerne immer ja jedoch leider mal mehr nein oft schon sehr seit sowie sowohl viele vielen vieles vielleicht wirklich
zudem ggf bzw usw`

	planningStop = `fehlt fehlen fehlte gibt geben finde finden findet wünsche wünschen wünscht brauchen braucht benötigt benötigen
dringend unbedingt endlich`

	englishStop = `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its
itself they them their theirs themselves what which who whom this that these those am is are was were be been being have has had
having do does did doing would should could ought a an the and but if or because as until while of at by for with about against
between into through during before after above below to from up down in out on off over under again further then once here there
when where why how all any both each few more most other some such no nor not only own same so than too very will can just also may
might must shall please don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn couldn mustn cannot let`
)

var (
	stopwords = map[string]bool{}
	// germanOnly and englishOnly are the stop words of one language only:
	// the cheap signal of which language a text is written in.
	germanOnly  = map[string]bool{}
	englishOnly = map[string]bool{}
)

func init() {
	de := map[string]bool{}
	for _, w := range strings.Fields(germanStop + " " + germanForms + " " + planningStop) {
		de[w] = true
		stopwords[w] = true
	}
	en := map[string]bool{}
	for _, w := range strings.Fields(englishStop) {
		en[w] = true
		stopwords[w] = true
	}
	for w := range de {
		if !en[w] {
			germanOnly[w] = true
		}
	}
	for w := range en {
		if !de[w] {
			englishOnly[w] = true
		}
	}
}
