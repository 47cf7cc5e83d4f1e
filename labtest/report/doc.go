// Package report is the run report: a trace of one run recorded while it
// runs, turned into a JSON document (the page's data, for other tools too)
// and one self-contained HTML page that shows it on one virtual-time axis:
// a lane per server with its state (role, term, commit and applied index),
// the harness's faults, the messages as a space-time diagram with each
// message's fate, the clients' operations with porcupine's verdict, the
// per-peer log in columns, and the violations where they happened.
//
// labtest records a trace for every test and, when the test fails, writes
// report.json and report.html into the failure artefacts (so does a failing
// chaos run, and "distlab chaos <lab> -report" a passing one); "distlab
// report DIR" rebuilds the page from report.json.
//
// Files:
//   - recorder.go: Recorder, fed by the labrpc observer and the labs' hooks
//     (peer states, violations), keeping the last N messages in a ring.
//   - document.go: Document, the JSON form of a run, and Load, which names
//     the file and the place of a truncated or corrupt document.
//   - page.go: Page and Write, the HTML page built from a Document (its
//     script, style and markup are in assets/).
//
// # The JSON document (report.json, version 1)
//
// All times are integers, nanoseconds of the test's clock since the test
// started. A lane is a server or a client, named as labtest names them
// ("server-2", "client-0"); lanes are referred to by their index in
// "lanes".
//
//	{
//	  "version": 1,
//	  "test": "TestFigure8Unreliable", "package": "distlab/raft", "command": ["distlab", "chaos", "raft"],
//	  "seed": 42, "failed": true, "end": 30000000000,
//	  "lanes": [{"name": "server-0", "cluster": "server"}, {"name": "client-0", "client": true}],
//	  "methods": ["Raft.AppendEntries", "Raft.RequestVote"],
//	  "fates": ["delivered", "dropped", "duplicated", "disabled", "no-server", "server-dead", "closed"],
//	  "messages": [[7, 0, 0, 1, 0, 1200000, 1210000, 88, 0], ...],
//	  "messages_total": 120000, "messages_kept": 100000,
//	  "states": [[0, 250000000, "leader", 2, 0, 0], ...],
//	  "faults": [{"lane": "server-3", "start": 1000000000, "end": 3000000000, "text": "crashed", "details": "...", "colour": "#f8c4c4"}],
//	  "history": {"model": "kv", "verdict": "illegal", "ops": [{"client": 0, "call": 10, "return": 20, "desc": "put(x, 1)", "lin": 0}], "bad": 3},
//	  "logs": [[12000000, 0, "VOTE", "voted for S1 in term 2"], ...],
//	  "logs_note": "",
//	  "violations": [{"at": 9000000000, "lane": 1, "text": "election safety: S0 and S1 both led term 4"}]
//	}
//
// Messages, states and log lines are arrays, to keep a document of
// 100,000 of each small. A message is
// [call, kind, from, to, method, sent, arrived, bytes, fate]. call numbers
// the calls of the run (a request and its reply share it); kind is 0 for a
// request, 1 for a reply; from and to are lane indices (-1 when unknown);
// method indexes "methods" and fate indexes "fates"; sent is when the
// network decided its fate and arrived when it reached the other side (or,
// for a message that never arrived, when the caller gave up). Messages are
// sorted by sent. When the recorder's ring overflowed, "messages_kept" <
// "messages_total" and the document holds the last messages of the run.
//
// A state, [lane, at, role, term, commit, applied] with an optional
// seventh element, a note, is a peer's state from "at" until the lane's
// next state (role is a lab's word: "leader", "follower", "candidate" for
// Raft; "down" for a peer that is not running). A fault is an
// interval of the harness's fault table (labtest's schedule: a crash until
// its restart, a partition until the heal, a network mode while on) on the
// lane named by "lane" (a server's name, or a cluster's or the network's
// lane); an end equal to its start is a point. In "history", "lin" is an
// operation's position in the linearization (or the longest partial one),
// -1 if it is not in it; "return" is -1 for a pending operation; "bad" is
// the index in "ops" of the first operation that cannot be linearized, -1
// if none; verdict is "ok", "illegal", "unknown" or "" (not checked).
// "logs" holds lablog's lines, each [at, lane, topic, text] (kept only
// with DISTLAB_LOG=1; "logs_note" says why there are none). A violation's lane is -1 when it concerns no
// one peer.
//
// # The page
//
// The page (report.html) holds the document and its own script: it opens
// from file:// with no network access. The mouse wheel zooms the time axis
// around the pointer, dragging pans, shift-dragging selects a window to zoom
// into. A click selects a message, an operation (its client's messages
// during it are highlighted), a state band, a violation or a log line.
// When the view holds more messages than it can draw one by one
// (maxDrawn in page.js), it draws an even sample of them and says so above
// the diagram; zooming in shows every one.
package report
