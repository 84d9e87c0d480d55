// The bench's Go program on the native plugin (bench/run.ts, "Go via the plugin"): `count`
// JobComponents comp-000, comp-001, ... through the generated Go SDK, each with the redeploy
// page's example spec, named job-<componentId>, at `version`. bench/go/noop/main.go is the
// same program on the no-op plugin: keep the two in step, so that their ratio is what the
// plugin and the SDK add.
//
// Stack config (the project's namespace): count (default 1), version (default 2025.0323.15181).
//
// go.mod and go.sum here and in bench/go/noop come from `go mod tidy` (run it in both when
// sdk/go/go.mod changes, keeping noop's requirements at ours' versions):
//
//	GONOSUMDB='github.com/pulumi/*' GOFLAGS=-mod=mod go mod tidy
package main

import (
	"fmt"

	"github.com/pulumi-servicestage/pulumi-servicestage/sdk/go/servicestage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// jobArgs is the inputs bench/run.ts's componentInputs gives a component.
func jobArgs(componentID, version string) *servicestage.JobComponentArgs {
	return &servicestage.JobComponentArgs{
		ApplicationId: pulumi.String("app-demo"),
		ComponentId:   pulumi.String(componentID),
		Name:          pulumi.String("job-" + componentID),
		Description:   pulumi.String(""),
		Labels:        servicestage.LabelArray{servicestage.LabelArgs{Key: pulumi.String("com-key"), Value: pulumi.String("com-value")}},
		Version:       pulumi.String(version),
		RuntimeStack: servicestage.JobRuntimeStackArgs{
			Name:       pulumi.String("OpenJDK8"),
			Version:    pulumi.String("1.1.1"),
			Type:       servicestage.JobRuntimeStackTypeJava,
			DeployMode: servicestage.JobRuntimeStackDeployModeVirtualmachine,
		},
		Source: servicestage.SourceArgs{
			Kind:    servicestage.SourceKindPackage,
			Url:     pulumi.String("obs://bucket0001/weather-1.0.0.jar"),
			Version: pulumi.String(""),
			Storage: servicestage.SourceStorageObs,
		},
		TomcatOpts: servicestage.TomcatOptsArgs{ServerXml: pulumi.String("")},
		ReferResources: servicestage.JobReferResourceArray{
			servicestage.JobReferResourceArgs{Id: pulumi.String("67835bb3-1235-4cc9-be71-becbb2b4ca0d"), Type: servicestage.JobReferResourceTypeEcs},
		},
		TaskSetting: servicestage.TaskSettingArgs{
			Parallelism:    pulumi.Int(1),
			CompletionMode: servicestage.TaskSettingCompletionModeIndexed,
			Suspend:        pulumi.Bool(false),
		},
		Replica:          pulumi.Int(1),
		ExternalAccesses: servicestage.ExternalAccessArray{},
	}
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		count := cfg.GetInt("count")
		if count == 0 {
			count = 1
		}
		version := cfg.Get("version")
		if version == "" {
			version = "2025.0323.15181"
		}
		for i := 0; i < count; i++ {
			componentID := fmt.Sprintf("comp-%03d", i)
			if _, err := servicestage.NewJobComponent(ctx, componentID, jobArgs(componentID, version)); err != nil {
				return err
			}
		}
		return nil
	})
}
