package smpp

import (
	"context"
	"errors"
	"fmt"
)

// Status is a command_status: 0 for success, else an error code.
type Status uint32

// The command_status values this package names. Others print as hex.
const (
	StatusOK             Status = 0x00
	StatusInvMsgLen      Status = 0x01 // ESME_RINVMSGLEN
	StatusInvCmdLen      Status = 0x02 // ESME_RINVCMDLEN
	StatusInvCmdID       Status = 0x03 // ESME_RINVCMDID
	StatusInvBndSts      Status = 0x04 // ESME_RINVBNDSTS: wrong bind state
	StatusAlyBnd         Status = 0x05 // ESME_RALYBND
	StatusSysErr         Status = 0x08 // ESME_RSYSERR
	StatusInvSrcAdr      Status = 0x0A // ESME_RINVSRCADR
	StatusInvDstAdr      Status = 0x0B // ESME_RINVDSTADR
	StatusBindFail       Status = 0x0D // ESME_RBINDFAIL
	StatusInvPaswd       Status = 0x0E // ESME_RINVPASWD
	StatusInvSysID       Status = 0x0F // ESME_RINVSYSID
	StatusMsgQFul        Status = 0x14 // ESME_RMSGQFUL
	StatusInvESMClass    Status = 0x43 // ESME_RINVESMCLASS
	StatusSubmitFail     Status = 0x45 // ESME_RSUBMITFAIL
	StatusThrottled      Status = 0x58 // ESME_RTHROTTLED
	StatusInvDCS         Status = 0x104
	StatusXTAppn         Status = 0x64 // ESME_RX_T_APPN: temporary application error
	StatusDeliveryFailed Status = 0xFE // ESME_RDELIVERYFAILURE
	StatusUnknownErr     Status = 0xFF // ESME_RUNKNOWNERR
)

var statusNames = map[Status]string{
	StatusOK: "ESME_ROK", StatusInvMsgLen: "ESME_RINVMSGLEN", StatusInvCmdLen: "ESME_RINVCMDLEN",
	StatusInvCmdID: "ESME_RINVCMDID", StatusInvBndSts: "ESME_RINVBNDSTS", StatusAlyBnd: "ESME_RALYBND",
	StatusSysErr: "ESME_RSYSERR", StatusInvSrcAdr: "ESME_RINVSRCADR", StatusInvDstAdr: "ESME_RINVDSTADR",
	StatusBindFail: "ESME_RBINDFAIL", StatusInvPaswd: "ESME_RINVPASWD", StatusInvSysID: "ESME_RINVSYSID",
	StatusMsgQFul: "ESME_RMSGQFUL", StatusInvESMClass: "ESME_RINVESMCLASS",
	StatusSubmitFail: "ESME_RSUBMITFAIL", StatusThrottled: "ESME_RTHROTTLED",
	StatusInvDCS: "ESME_RINVDCS", StatusXTAppn: "ESME_RX_T_APPN",
	StatusDeliveryFailed: "ESME_RDELIVERYFAILURE", StatusUnknownErr: "ESME_RUNKNOWNERR",
}

// String returns the status's ESME_ name, or its hex value.
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("command_status 0x%08X", uint32(s))
}

// Retryable reports whether the same request may succeed later: the SMSC is busy or
// temporarily failing. Everything else (bad address, bad parameters, refused bind) is final.
func (s Status) Retryable() bool {
	switch s {
	case StatusThrottled, StatusMsgQFul, StatusSysErr, StatusXTAppn:
		return true
	}
	return false
}

// ErrClosed is returned by a Client after Close.
var ErrClosed = errors.New("smpp: client closed")

// ErrConnLost reports that the link went down before a response arrived.
var ErrConnLost = errors.New("smpp: connection lost")

// ErrTimeout reports that no response arrived within Config.ResponseTimeout.
var ErrTimeout = errors.New("smpp: response timeout")

// Error is a failed request: the SMSC answered with a non-zero Status, or (Status 0) the link
// failed with Err.
type Error struct {
	Op     string // e.g. "submit_sm to +923001234567"
	Status Status
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("smpp: %s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("smpp: %s: %v", e.Op, e.Status)
}

// Unwrap returns the link error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether trying again later may succeed: a temporary SMSC status, a lost
// link or a time-out. A cancelled context is not retryable: the caller gave up.
func (e *Error) Retryable() bool {
	if e.Err != nil {
		return !errors.Is(e.Err, context.Canceled) && !errors.Is(e.Err, ErrClosed)
	}
	return e.Status.Retryable()
}

// IsRetryable reports whether err is an *Error that is retryable.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable()
}
