// The Pulumi Python language host (pulumi-language-python), which runs a Python program
// folder for `pulumi preview` / `pulumi up`, with its exec shim (pulumi-language-python-exec,
// a Python script the host runs), and the launcher in front of it (launcher/).
// scripts/provision-pulumi.sh builds the host from here into .tools/libexec/pulumi-language-python/
// where no working host is on PATH, copies the shim beside it from this module's copy of
// github.com/pulumi/pulumi/sdk/v3, and builds the launcher into .tools/bin.
//
// Why v3.65.0, as for the Go host (scripts/go/pulumi-language-go/go.mod): the host lives
// inside github.com/pulumi/pulumi/sdk/v3 up to v3.66.0, and later releases moved it into a
// module the proxy here refuses. Measured with CLI v3.248.0: it runs a program on Pulumi's
// Python SDK 3.248.0 from the package index (preview, up, refresh, import, destroy), with
// this module's v3.65.0 shim. It predates the CLI passing runtime options in ProgramInfo:
// it takes them as flags (-virtualenv, resolved against -root), which CLI v3.248.0 no longer
// passes. The launcher (launcher/main.go, built against this same pinned module) reads them
// from the project's Pulumi.yaml and starts the host with them, so Pulumi.yaml's
// `runtime.options.virtualenv` works as with a current host: the first command creates the
// virtualenv and installs requirements.txt, and the program runs in it with no activation.
//
// The replace line repeats a directive of sdk/v3 v3.65.0's own go.mod, which
// `go install pkg@version` refuses to honour; that is why this wrapper module exists.
module pulumi-servicestage/scripts/go/pulumi-language-python

go 1.20

require github.com/pulumi/pulumi/sdk/v3 v3.65.0

require (
	github.com/Microsoft/go-winio v0.5.2 // indirect
	github.com/ProtonMail/go-crypto v0.0.0-20221026131551-cf6655e29de4 // indirect
	github.com/acomagu/bufpipe v1.0.3 // indirect
	github.com/aead/chacha20 v0.0.0-20180709150244-8b13a72661da // indirect
	github.com/blang/semver v3.5.1+incompatible // indirect
	github.com/cheggaaa/pb v1.0.29 // indirect
	github.com/cloudflare/circl v1.1.0 // indirect
	github.com/djherbis/times v1.5.0 // indirect
	github.com/emirpasic/gods v1.18.1 // indirect
	github.com/go-git/gcfg v1.5.0 // indirect
	github.com/go-git/go-billy/v5 v5.4.0 // indirect
	github.com/go-git/go-git/v5 v5.6.0 // indirect
	github.com/gofrs/uuid v4.2.0+incompatible // indirect
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/golang/glog v1.0.0 // indirect
	github.com/golang/protobuf v1.5.2 // indirect
	github.com/grpc-ecosystem/grpc-opentracing v0.0.0-20180507213350-8e809c8a8645 // indirect
	github.com/hashicorp/errwrap v1.1.0 // indirect
	github.com/hashicorp/go-multierror v1.1.1 // indirect
	github.com/hashicorp/go-version v1.6.0 // indirect
	github.com/imdario/mergo v0.3.13 // indirect
	github.com/inconshreveable/mousetrap v1.0.1 // indirect
	github.com/jbenet/go-context v0.0.0-20150711004518-d14ea06fba99 // indirect
	github.com/kevinburke/ssh_config v1.2.0 // indirect
	github.com/mattn/go-runewidth v0.0.13 // indirect
	github.com/mitchellh/go-ps v1.0.0 // indirect
	github.com/opentracing/basictracer-go v1.1.0 // indirect
	github.com/opentracing/opentracing-go v1.2.0 // indirect
	github.com/pjbgf/sha1cd v0.3.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/pkg/term v1.1.0 // indirect
	github.com/rivo/uniseg v0.2.0 // indirect
	github.com/rogpeppe/go-internal v1.9.0 // indirect
	github.com/sabhiram/go-gitignore v0.0.0-20210923224102-525f6e181f06 // indirect
	github.com/santhosh-tekuri/jsonschema/v5 v5.0.0 // indirect
	github.com/sergi/go-diff v1.2.0 // indirect
	github.com/skeema/knownhosts v1.1.0 // indirect
	github.com/spf13/cobra v1.6.1 // indirect
	github.com/spf13/pflag v1.0.5 // indirect
	github.com/texttheater/golang-levenshtein v1.0.1 // indirect
	github.com/tweekmonster/luser v0.0.0-20161003172636-3fa38070dbd7 // indirect
	github.com/uber/jaeger-client-go v2.30.0+incompatible // indirect
	github.com/uber/jaeger-lib v2.4.1+incompatible // indirect
	github.com/xanzy/ssh-agent v0.3.3 // indirect
	go.uber.org/atomic v1.9.0 // indirect
	golang.org/x/crypto v0.3.0 // indirect
	golang.org/x/mod v0.10.0 // indirect
	golang.org/x/net v0.7.0 // indirect
	golang.org/x/sys v0.5.0 // indirect
	golang.org/x/term v0.5.0 // indirect
	golang.org/x/text v0.7.0 // indirect
	google.golang.org/genproto v0.0.0-20220802133213-ce4fa296bf78 // indirect
	google.golang.org/grpc v1.51.0 // indirect
	google.golang.org/protobuf v1.28.1 // indirect
	gopkg.in/warnings.v0 v0.1.2 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
	lukechampine.com/frand v1.4.2 // indirect
	sourcegraph.com/sourcegraph/appdash v0.0.0-20211028080628-e2786a622600 // indirect
)

replace golang.org/x/text => golang.org/x/text v0.3.6
