package porcupine

// eventsToOperations turns a history of events into operations, for the
// search and for visualisation. A call and its return are matched by Id (a
// return matches the earliest unmatched call with its Id); a call with no
// return becomes a pending operation (Return == NoReturn); a return with no
// call is ignored. Timestamps are positions in events, or, when global is
// non-nil, positions in the whole history looked up by Id, so that all
// partitions share one time axis.
func eventsToOperations(events []Event, global map[int]eventSpan) []Operation {
	var ops []Operation
	var ids []int
	open := make(map[int][]int) // Id -> indices in ops of unmatched calls
	for pos, e := range events {
		if e.Kind == CallEvent {
			open[e.Id] = append(open[e.Id], len(ops))
			ids = append(ids, e.Id)
			ops = append(ops, Operation{
				ClientId: e.ClientId,
				Input:    e.Value,
				Call:     int64(pos),
				Return:   NoReturn,
				Metadata: e.Metadata,
			})
			continue
		}
		calls := open[e.Id]
		if len(calls) == 0 {
			continue
		}
		i := calls[0]
		open[e.Id] = calls[1:]
		ops[i].Output = e.Value
		ops[i].Return = int64(pos)
		if e.Metadata != nil {
			ops[i].Metadata = e.Metadata
		}
	}
	if global != nil {
		for i := range ops {
			span, ok := global[ids[i]]
			if !ok {
				return eventsToOperations(events, nil)
			}
			ops[i].Call = span.call
			if ops[i].Return != NoReturn {
				ops[i].Return = span.ret
			}
		}
	}
	return ops
}

// eventSpan is where an operation's call and return sit in a whole history of
// events (ret is NoReturn when it has none).
type eventSpan struct{ call, ret int64 }

// eventSpans maps each call's Id to its positions in history, or returns nil
// when some Id is used by more than one call (then positions cannot be
// attributed and each partition keeps its own time axis).
func eventSpans(history []Event) map[int]eventSpan {
	spans := make(map[int]eventSpan, len(history)/2+1)
	for pos, e := range history {
		span, seen := spans[e.Id]
		switch {
		case e.Kind == CallEvent && seen:
			return nil
		case e.Kind == CallEvent:
			spans[e.Id] = eventSpan{call: int64(pos), ret: NoReturn}
		case seen && span.ret == NoReturn:
			span.ret = int64(pos)
			spans[e.Id] = span
		}
	}
	return spans
}
