package logview

import "hash/fnv"

// palette holds the ANSI colours topics are painted in: the six normal and
// six bright colours that every terminal has, without black and white.
var palette = []string{"31", "32", "33", "34", "35", "36", "91", "92", "93", "94", "95", "96"}

// Topics that most labs use get colours chosen to tell them apart; other
// topics get one by a hash of their name, the same on every run.
var topicColors = map[string]string{
	"VOTE": "35", "LEAD": "92", "TERM": "33", "ELECT": "95", "TIMR": "90", "TIMER": "90",
	"LOG": "34", "LOG1": "34", "LOG2": "94", "APPEND": "36", "COMMIT": "32",
	"APPLY": "96", "PERS": "93", "PERSIST": "93", "SUBMIT": "95", "SNAP": "91", "DROP": "31", "ERROR": "1;31",
	"WARN": "1;33", "INFO": "37", "CLNT": "36", "CTRL": "94", "TEST": "1",
}

// paint returns topic in its colour, or as it is when color is false.
func paint(topic string, color bool) string {
	if !color {
		return topic
	}
	c, ok := topicColors[topic]
	if !ok {
		h := fnv.New32a()
		h.Write([]byte(topic))
		c = palette[h.Sum32()%uint32(len(palette))]
	}
	return "\x1b[" + c + "m" + topic + "\x1b[0m"
}
