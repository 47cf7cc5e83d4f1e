package models_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/porcupine"
	. "distlab/porcupine/models"
)

func op(call, ret int64, in, out interface{}) porcupine.Operation {
	return porcupine.Operation{Input: in, Call: call, Output: out, Return: ret}
}

func TestKvModelAppendsAreSeenInOrder(t *testing.T) {
	ops := []porcupine.Operation{
		op(0, 1, KvInput{Op: OpPut, Key: "k", Value: "a"}, KvOutput{}),
		op(2, 5, KvInput{Op: OpAppend, Key: "k", Value: "b"}, KvOutput{}),
		op(2, 5, KvInput{Op: OpAppend, Key: "k", Value: "c"}, KvOutput{}),
		op(6, 7, KvInput{Op: OpGet, Key: "k"}, KvOutput{Value: "acb"}),
		op(6, 7, KvInput{Op: OpGet, Key: "other"}, KvOutput{Value: ""}),
	}
	require.True(t, porcupine.CheckOperations(KvModel, ops))
	ops[3].Output = KvOutput{Value: "ab"} // lost append
	require.False(t, porcupine.CheckOperations(KvModel, ops))
	ops[2].Return = porcupine.NoReturn // ...unless it never returned
	require.True(t, porcupine.CheckOperations(KvModel, ops))
	require.Equal(t, `append("k", "b")`, KvModel.DescribeOperation(ops[1].Input, ops[1].Output))
	require.Equal(t, `get("k") -> "ab"`, KvModel.DescribeOperation(ops[3].Input, ops[3].Output))
	require.Equal(t, `"ab"`, KvModel.DescribeState("ab"))
}

func TestKvModelOpCode3AppendsAndReturnsTheOldValue(t *testing.T) {
	// Classic test files write the op codes as numbers: 3 is an append
	// whose output is the value before it.
	require.Equal(t, uint8(3), OpAppendOld)
	ops := []porcupine.Operation{
		op(0, 1, KvInput{Op: 1, Key: "k", Value: "a"}, KvOutput{}),
		op(2, 5, KvInput{Op: 3, Key: "k", Value: "b"}, KvOutput{Value: "ac"}),
		op(2, 5, KvInput{Op: 3, Key: "k", Value: "c"}, KvOutput{Value: "a"}),
		op(6, 7, KvInput{Op: 0, Key: "k"}, KvOutput{Value: "acb"}),
	}
	require.True(t, porcupine.CheckOperations(KvModel, ops), "c then b")
	ops[1].Output = KvOutput{Value: "a"} // both saw "a": one of them lies
	require.False(t, porcupine.CheckOperations(KvModel, ops))
	ops[1].Output = nil // a pending append may have returned anything
	ops[1].Return = porcupine.NoReturn
	require.True(t, porcupine.CheckOperations(KvModel, ops))
	require.Equal(t, `append("k", "c") -> "a"`, KvModel.DescribeOperation(ops[2].Input, ops[2].Output))
}

func TestRegisterModelCompareAndSwap(t *testing.T) {
	ops := []porcupine.Operation{
		op(0, 1, RegisterInput{Op: RegisterWrite, Value: 1}, RegisterOutput{}),
		op(2, 3, RegisterInput{Op: RegisterCAS, Expect: 1, Value: 2}, RegisterOutput{Ok: true}),
		op(2, 3, RegisterInput{Op: RegisterCAS, Expect: 1, Value: 3}, RegisterOutput{Ok: false}),
		op(4, 5, RegisterInput{Op: RegisterRead}, RegisterOutput{Value: 2}),
	}
	require.True(t, porcupine.CheckOperations(RegisterModel, ops))
	ops[2].Output = RegisterOutput{Ok: true} // both swaps cannot succeed
	require.False(t, porcupine.CheckOperations(RegisterModel, ops))
	require.Equal(t, "cas(expect 1, set 3) -> ok", RegisterModel.DescribeOperation(ops[2].Input, ops[2].Output))
}

func TestQueueModelIsFIFO(t *testing.T) {
	enq := func(call, ret int64, v int) porcupine.Operation {
		return op(call, ret, QueueInput{Op: QueueEnqueue, Value: v}, QueueOutput{})
	}
	deq := func(call, ret int64, v int, empty bool) porcupine.Operation {
		return op(call, ret, QueueInput{Op: QueueDequeue}, QueueOutput{Value: v, Empty: empty})
	}
	require.True(t, porcupine.CheckOperations(QueueModel, []porcupine.Operation{enq(0, 1, 1), enq(2, 3, 2), deq(4, 5, 1, false), deq(6, 7, 2, false), deq(8, 9, 0, true)}))
	require.False(t, porcupine.CheckOperations(QueueModel, []porcupine.Operation{enq(0, 1, 1), enq(2, 3, 2), deq(4, 5, 2, false)}))
	require.True(t, porcupine.CheckOperations(QueueModel, []porcupine.Operation{enq(0, 3, 1), enq(0, 3, 2), deq(4, 5, 2, false)}), "concurrent enqueues in either order")
	require.Equal(t, "[1 2] (head first)", QueueModel.DescribeState([]int{1, 2}))
}

func TestVersionedKvModelPutsNeedTheCurrentVersion(t *testing.T) {
	put := func(call, ret int64, v string, ver uint64, err string) porcupine.Operation {
		return op(call, ret, VersionedInput{Op: VersionedPut, Key: "k", Value: v, Version: ver}, VersionedOutput{Err: err})
	}
	get := func(call, ret int64, v string, ver uint64, err string) porcupine.Operation {
		return op(call, ret, VersionedInput{Op: VersionedGet, Key: "k"}, VersionedOutput{Value: v, Version: ver, Err: err})
	}
	ok := []porcupine.Operation{get(0, 1, "", 0, ErrNoKey), put(2, 3, "a", 0, OK), put(4, 5, "b", 0, ErrVersion), get(6, 7, "a", 1, OK), put(8, 9, "c", 1, OK), get(10, 11, "c", 2, OK)}
	require.True(t, porcupine.CheckOperations(VersionedKvModel, ok))
	bad := append(ok[:4:4], put(8, 9, "c", 5, OK))
	require.False(t, porcupine.CheckOperations(VersionedKvModel, bad), "a put with a stale version cannot succeed")
}

func TestVersionedKvModelErrMaybeMayOrMayNotHaveHappened(t *testing.T) {
	put := func(call, ret int64, v string, ver uint64, err string) porcupine.Operation {
		return op(call, ret, VersionedInput{Op: VersionedPut, Key: "k", Value: v, Version: ver}, VersionedOutput{Err: err})
	}
	get := func(call, ret int64, v string, ver uint64) porcupine.Operation {
		return op(call, ret, VersionedInput{Op: VersionedGet, Key: "k"}, VersionedOutput{Value: v, Version: ver, Err: OK})
	}
	base := []porcupine.Operation{put(0, 1, "a", 0, OK), put(2, 3, "b", 1, ErrMaybe)}
	require.True(t, porcupine.CheckOperations(VersionedKvModel, append(base, get(4, 5, "b", 2))), "it happened")
	require.True(t, porcupine.CheckOperations(VersionedKvModel, append(base, get(4, 5, "a", 1))), "it did not")
	require.False(t, porcupine.CheckOperations(VersionedKvModel, append(base, get(4, 5, "a", 1), get(6, 7, "b", 2))), "not later")
	require.Equal(t, `put("k", "b", version 1) -> ErrMaybe`, VersionedKvModel.DescribeOperation(base[1].Input, base[1].Output))
}
