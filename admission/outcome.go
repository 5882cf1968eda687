package admission

import "time"

// Outcome is what one request came to, as a Handler reports it to its
// observer (WithObserver).
type Outcome struct {
	// UID, Kind, Namespace, Name and Operation are the review's (empty
	// when the request could not be read as a review). Kind is the
	// object's kind (Pod, Workspace), without group and version.
	UID, Kind, Namespace, Name, Operation string
	// Allowed is the review's answer; false for a request answered with
	// an HTTP error.
	Allowed bool
	// Violations is how many violations a denial had (its message and
	// causes list at most 100).
	Violations int
	// HTTPStatus is the HTTP status of the answer: 200 for a review
	// answered allowed or denied, else the error's (400, 405, 413, 415,
	// 500, 503).
	HTTPStatus int
	// Err is why a request was answered with an HTTP error ("" for 200).
	Err string
	// Duration is how long the request took, from its arrival to the end
	// of the answer.
	Duration time.Duration

	// Warnings is how many warnings the answer carried.
	Warnings int
	// DryRun is the review's dryRun.
	DryRun bool
	// SubResource is the review's subresource (status, binding...), which
	// the handler allows without judging.
	SubResource string
	// Stack is the goroutine's stack when a panic was recovered (a 500).
	Stack string
}
