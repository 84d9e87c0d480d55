//go:build tools

// Package tools pins the Python language host as a dependency of this module so that
// `go build` can build it where the release binary cannot be downloaded.
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
)
