//go:build tools

// Package tools pins the Pulumi CLI as a Go module dependency so that
// `go install` can build it on machines where the release binary cannot be
// downloaded but the Go module proxy is reachable.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
