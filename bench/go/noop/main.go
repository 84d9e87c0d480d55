// The bench's Go program on the no-op plugin (bench/run.ts, "Go via the plugin", the floor):
// bench/go/ours/main.go's program, each JobComponent replaced by a benchnoop:index:Thing
// (bench/noopPlugin.ts) with the same inputs. The no-op has no SDK: its resources are
// registered with ctx.RegisterResource, as a generated SDK's constructor does.
//
// Stack config (the project's namespace): count (default 1), version (default 2025.0323.15181).
package main

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// thing is a benchnoop:index:Thing; its outputs are not read.
type thing struct {
	pulumi.CustomResourceState
}

// thingArgs is the inputs bench/run.ts's componentInputs gives a component.
func thingArgs(componentID, version string) pulumi.Map {
	return pulumi.Map{
		"applicationId": pulumi.String("app-demo"),
		"componentId":   pulumi.String(componentID),
		"name":          pulumi.String("job-" + componentID),
		"description":   pulumi.String(""),
		"labels":        pulumi.Array{pulumi.Map{"key": pulumi.String("com-key"), "value": pulumi.String("com-value")}},
		"version":       pulumi.String(version),
		"runtimeStack": pulumi.Map{
			"name":       pulumi.String("OpenJDK8"),
			"version":    pulumi.String("1.1.1"),
			"type":       pulumi.String("Java"),
			"deployMode": pulumi.String("virtualmachine"),
		},
		"source": pulumi.Map{
			"kind":    pulumi.String("package"),
			"url":     pulumi.String("obs://bucket0001/weather-1.0.0.jar"),
			"version": pulumi.String(""),
			"storage": pulumi.String("obs"),
		},
		"tomcatOpts": pulumi.Map{"serverXml": pulumi.String("")},
		"referResources": pulumi.Array{
			pulumi.Map{"id": pulumi.String("67835bb3-1235-4cc9-be71-becbb2b4ca0d"), "type": pulumi.String("ecs")},
		},
		"taskSetting": pulumi.Map{
			"parallelism":    pulumi.Int(1),
			"completionMode": pulumi.String("Indexed"),
			"suspend":        pulumi.Bool(false),
		},
		"replica":          pulumi.Int(1),
		"externalAccesses": pulumi.Array{},
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
			var t thing
			if err := ctx.RegisterResource("benchnoop:index:Thing", componentID, thingArgs(componentID, version), &t); err != nil {
				return err
			}
		}
		return nil
	})
}
