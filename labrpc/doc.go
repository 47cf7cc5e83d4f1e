// Package labrpc is distlab's simulated network. (The full guide is being
// written; see the exported names.)
package labrpc
