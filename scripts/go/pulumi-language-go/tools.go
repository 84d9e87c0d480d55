//go:build tools

// Package tools pins the Go language host as a dependency of this module so that
// `go build` can build it where the release binary cannot be downloaded.
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go"
)
