package chaos

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"

	"distlab/labtest"
	"distlab/porcupine"
)

// A Lab is one lab's hooks on the chaos layer: the little that the layer
// cannot know about a service. A lab registers its Lab once, from an init
// function of the package that holds its hooks (see the package doc).
type Lab struct {
	// Name is the lab's name on the command line: distlab chaos <Name>.
	Name string
	// Summary is one line for the list of labs.
	Summary string
	// About is a paragraph for the lab's -h, under its usage line.
	About string
	// Defaults are the lab's defaults of the common settings; its zero
	// fields take the layer's: 5 servers, 3 clients, 10 s of faults in one
	// round, a liveness bound of 10 s, 20 ms of think time.
	Defaults Config
	// MinServers is the smallest cluster the lab accepts (default 3, so
	// that a server can fail while a majority works).
	MinServers int
	// Model, if not nil, is the porcupine model that the clients' history
	// is checked against, once, at the end of a run; ModelName names it in
	// history.json ("kv") so that distlab check can re-check the file.
	Model     *porcupine.Model
	ModelName string
	// Invariants names, for the summary, the invariants that the
	// service's Violations hook checks ("election safety, log matching").
	Invariants string
	// Setup defines the lab's own flags on fs, if it has any, and returns
	// the lab's Start, which may read them: it is called after fs is
	// parsed.
	Setup func(fs *flag.FlagSet) Start
}

// A Start starts the lab's service on the World of t (which runs under
// labtest.Run or labtest.Main) with the run's settings, and returns how
// the layer drives it. It may fail t.
type Start func(t *testing.T, cfg Config) Service

// A Service is a lab's running service as the chaos layer drives it. Only
// Clusters and Client are required.
type Service struct {
	// Clusters are the clusters the nemesis faults, each with a nemesis of
	// its own. A *labtest.Cluster[S] is a Faultable.
	Clusters []Faultable
	// Client makes client id (from 0) of the run, with a generator drawn
	// from the run's seed, and returns its next function: the run calls
	// next from one goroutine, over and over, and performs the Op it
	// returns, until it stops the client. ctx ends when the run gives up
	// on its clients (they did not finish after healing): an operation in
	// progress must then return soon, with ok false.
	Client func(ctx context.Context, id int, r *rand.Rand) (next func() Op)
	// Probe, if not nil, is the liveness check after the cluster healed:
	// it shows the service serving (a write and a read; a command applied
	// by every peer), and returns nil or why not. ctx ends at the liveness
	// bound; Probe must return soon after. do performs an operation and
	// records it in the history, on a lane of its own.
	Probe func(ctx context.Context, do func(Op) (output any, ok bool)) error
	// Violated, if not nil, is closed at the first invariant violation:
	// the round ends at once.
	Violated <-chan struct{}
	// Violations, if not nil, returns the invariant violations found so
	// far. The run fails with the new ones after every round, and stops.
	Violations func() []string
	// Stats, if not nil, returns the lab's own lines of the summary.
	Stats func() []Stat
}

// An Op is one operation of a client: Input is recorded in the run's
// history when the lab has a Model (nil: not recorded), and Do performs
// it, returning its output and false if it was abandoned (its context
// ended), which leaves it pending in the history.
type Op struct {
	Input any
	Do    func() (output any, ok bool)
}

// A Stat is one line of a lab's own in a run's summary, e.g.
// {"leaders", "12 (highest term 9)"}.
type Stat struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// A Faultable is a cluster that a nemesis can fault: a
// *labtest.Cluster[S] of any server type.
type Faultable interface {
	StartNemesis(labtest.NemesisConfig) *labtest.Nemesis
	Apply(*labtest.Schedule) *labtest.Nemesis
}

var registry = struct {
	sync.Mutex
	labs map[string]*Lab
}{labs: map[string]*Lab{}}

// Register adds lab to the labs that distlab chaos runs. It panics if the
// lab has no Name or Setup, or its name is taken: a programming error in
// an init function.
func Register(lab Lab) {
	if lab.Name == "" || lab.Setup == nil {
		panic(fmt.Sprintf("chaos.Register(%q): a Lab needs a Name and a Setup", lab.Name))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.labs[lab.Name]; dup {
		panic(fmt.Sprintf("chaos.Register: lab %q registered twice", lab.Name))
	}
	registry.labs[lab.Name] = &lab
}

// Labs returns the registered labs, by name.
func Labs() []Lab {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Lab, 0, len(registry.labs))
	for _, l := range registry.labs {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func lookup(name string) (*Lab, error) {
	registry.Lock()
	defer registry.Unlock()
	if l, ok := registry.labs[name]; ok {
		return l, nil
	}
	var names []string
	for n := range registry.labs {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("unknown lab %q (registered: %v)", name, names)
}
