// Command pulumi-language-python is the Python language host that scripts/provision-pulumi.sh
// puts on PATH when no working one is there: a launcher in front of the real host
// (github.com/pulumi/pulumi/sdk/v3 v3.65.0, pinned in ../go.mod, kept with its exec shim
// pulumi-language-python-exec in ../libexec/pulumi-language-python/ beside this launcher's
// bin/ folder, because the real host runs the shim found next to its own executable).
//
// Why: the real host takes the project's runtime options as flags (-virtualenv, with -root
// to resolve a relative path), as the CLIs of its time passed them. CLI v3.248 passes them
// in the program info of each request instead, which v3.65.0 does not read: it would ignore
// Pulumi.yaml's `runtime.options.virtualenv` and run the `python3` first on PATH. So the
// launcher finds and loads the project the way Pulumi does (workspace.DetectProjectPathFrom
// from the working directory the CLI starts a language host in: the program's folder, or
// the folder `main:` names; then workspace.LoadProject), and replaces itself with the real
// host, adding -root=<the project's folder> and -virtualenv=<the option> before the CLI's
// own arguments. With that the real host does what a current one does: on the first
// `pulumi preview`, `pulumi up` or `pulumi install` it creates the virtualenv, installs
// requirements.txt into it, and runs the program with the virtualenv's Python, with no
// activation.
//
// Options that v3.65.0 cannot honour (a `toolchain` other than pip, a `typechecker`) stop the
// host with an error that names them, rather than running the program some other way than
// the project asks. Outside a Python project (no Pulumi.yaml above the working directory,
// or one of another runtime) the real host starts with the CLI's arguments only.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

const hostName = "pulumi-language-python"

// realHost is the path of the real host: ../libexec/pulumi-language-python/pulumi-language-python
// from the folder of this executable (links resolved).
func realHost() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot tell where this launcher is: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	host := filepath.Join(filepath.Dir(filepath.Dir(self)), "libexec", hostName, hostName)
	if _, err := os.Stat(host); err != nil {
		return "", fmt.Errorf("the Python language host is not where this launcher expects it (%s): "+
			"run scripts/provision-pulumi.sh again: %w", host, err)
	}
	return host, nil
}

// runtimeOf reads the project's runtime as Pulumi does (workspace.LoadProject). A project that
// this older schema refuses but the CLI accepted (a field of a later release) still has its
// runtime read, with the same decoder and nothing else checked.
func runtimeOf(projectPath string) (workspace.ProjectRuntimeInfo, error) {
	proj, loadErr := workspace.LoadProject(projectPath)
	if loadErr == nil {
		return proj.Runtime, nil
	}
	marshaller, ok := encoding.Marshalers[filepath.Ext(projectPath)]
	if !ok {
		return workspace.ProjectRuntimeInfo{}, loadErr
	}
	b, err := os.ReadFile(projectPath)
	if err != nil {
		return workspace.ProjectRuntimeInfo{}, loadErr
	}
	var partial struct {
		Runtime workspace.ProjectRuntimeInfo `json:"runtime" yaml:"runtime"`
	}
	if err := marshaller.Unmarshal(b, &partial); err != nil {
		return workspace.ProjectRuntimeInfo{}, loadErr
	}
	return partial.Runtime, nil
}

// projectFlags are the flags of the real host that stand for the runtime options of the
// project above dir: none outside a Python project.
func projectFlags(dir string) ([]string, error) {
	projectPath, err := workspace.DetectProjectPathFrom(dir)
	if err != nil {
		if errors.Is(err, workspace.ErrProjectNotFound) {
			return nil, nil
		}
		return nil, err
	}
	runtime, err := runtimeOf(projectPath)
	if err != nil {
		return nil, err
	}
	if runtime.Name() != "python" {
		return nil, nil
	}
	root := filepath.Dir(projectPath)
	flags := []string{"-root=" + root}
	options := runtime.Options()
	for _, key := range []string{"toolchain", "typechecker", "virtualenv"} {
		value, set := options[key]
		if !set || value == nil {
			continue
		}
		text, isString := value.(string)
		if !isString {
			return nil, fmt.Errorf("%s: runtime option %s must be a string, not %v", projectPath, key, value)
		}
		switch {
		case text == "":
		case key == "virtualenv":
			// Relative to the project's folder (the real host resolves it against -root), or absolute.
			flags = append(flags, "-virtualenv="+text)
		case key == "toolchain" && text == "pip":
			// pip and a virtualenv is what this host does.
		default:
			return nil, fmt.Errorf("%s: runtime option %s: %s is not supported by this Python language host "+
				"(v3.65.0, built by scripts/provision-pulumi.sh, which runs pip and no type checker); "+
				"remove the option, or use a Pulumi CLI installed the normal way (https://www.pulumi.com/docs/install/), "+
				"whose host supports it", projectPath, key, text)
		}
	}
	return flags, nil
}

func main() {
	fail := func(err error) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", hostName, err)
		os.Exit(1)
	}
	host, err := realHost()
	if err != nil {
		fail(err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		fail(fmt.Errorf("getting the working directory: %w", err))
	}
	flags, err := projectFlags(cwd)
	if err != nil {
		fail(err)
	}
	// The CLI's own arguments come last: the engine's address is the last one, and a flag the
	// CLI passes itself (as the CLIs of v3.65.0's time did) overrides ours.
	argv := append(append([]string{host}, flags...), os.Args[1:]...)
	fail(syscall.Exec(host, argv, os.Environ()))
}
