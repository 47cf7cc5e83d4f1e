package mr

// The worker protocol: two RPCs, both sent by a worker to the coordinator.
//
//	Coordinator.RequestTask  a worker asks for work; the reply is a map task,
//	                         a reduce task, "wait and ask again", or "exit".
//	Coordinator.ReportTask   a worker says a task is finished (or failed).
//
// RequestTask is a long poll: when no task is ready the coordinator holds the
// call until one is (a map finished, a task timed out) or about a second has
// passed, so idle workers neither spin nor sleep past the moment work appears.
// Both RPCs are idempotent, so a worker may retry them after a lost reply.

// TaskKind says what a TaskReply asks the worker to do.
type TaskKind int

const (
	// TaskWait asks the worker to ask again: every remaining task is running
	// elsewhere (it may still be handed out again if that worker is slow).
	TaskWait TaskKind = iota
	// TaskMap asks the worker to run map task Task over input File.
	TaskMap
	// TaskReduce asks the worker to run reduce task Task over the NMap
	// intermediate files of that partition.
	TaskReduce
	// TaskExit tells the worker that the job is over (finished, failed, or
	// the coordinator is shutting down).
	TaskExit
)

// String names the kind: "wait", "map", "reduce" or "exit".
func (k TaskKind) String() string {
	switch k {
	case TaskWait:
		return "wait"
	case TaskMap:
		return "map"
	case TaskReduce:
		return "reduce"
	case TaskExit:
		return "exit"
	}
	return "unknown"
}

// TaskArgs are the arguments of Coordinator.RequestTask.
type TaskArgs struct {
	Worker string // the worker's name, for logs only
}

// TaskReply is the reply of Coordinator.RequestTask.
type TaskReply struct {
	Kind    TaskKind
	Task    int    // map task number (0..NMap-1) or reduce task number (0..NReduce-1)
	Attempt int    // how many times this task was handed out before, for logs
	File    string // input file of a map task
	NMap    int    // number of map tasks = input files
	NReduce int    // number of reduce tasks = output files
	Dir     string // where intermediate and output files go ("" = worker's working directory)
}

// ReportArgs are the arguments of Coordinator.ReportTask.
type ReportArgs struct {
	Worker string
	Kind   TaskKind // TaskMap or TaskReduce
	Task   int
	Err    string // "" if the task's files are in place; otherwise why it failed
}

// ReportReply is the reply of Coordinator.ReportTask.
type ReportReply struct{}

// Handler is the coordinator's side of the worker protocol. A Transport
// delivers each incoming RPC by calling one of these methods, possibly
// concurrently; RequestTask may block for up to about a second.
type Handler interface {
	RequestTask(args *TaskArgs, reply *TaskReply)
	ReportTask(args *ReportArgs, reply *ReportReply)
}

// RPC method names, as a Conn's Call takes them.
const (
	methodRequestTask = "Coordinator.RequestTask"
	methodReportTask  = "Coordinator.ReportTask"
)
