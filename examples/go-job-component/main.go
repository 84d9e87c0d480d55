// The redeploy page's example request as a Go program: redeploy the job component
// "mycomponent" and set its job settings, through the native plugin and the Go SDK
// generated from its schema (sdk/go). Credentials and the project come from stack config
// (servicestage:*) or the environment (HW_*), never from code.
//
// Stack config:
//
//	version          the component's version (default 2025.0323.15181)
//	otherProjectId   also redeploy comp-other through an explicit provider of that project,
//	otherEndpoint    at that endpoint (default: the stack's),
//	otherAuthToken   (secret) with that token
package main

import (
	"github.com/pulumi-servicestage/pulumi-servicestage/sdk/go/servicestage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// jobArgs is the page's example spec for one component.
func jobArgs(componentID, name, version string) *servicestage.JobComponentArgs {
	return &servicestage.JobComponentArgs{
		ApplicationId: pulumi.String("app-demo"),
		ComponentId:   pulumi.String(componentID),
		Name:          pulumi.String(name),
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
		Replica: pulumi.Int(1),
	}
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		version := cfg.Get("version")
		if version == "" {
			version = "2025.0323.15181"
		}

		job, err := servicestage.NewJobComponent(ctx, "mycomponent", jobArgs("comp-job", "mycomponent", version))
		if err != nil {
			return err
		}
		ctx.Export("jobId", job.JobId)
		ctx.Export("jobStatus", job.JobStatus)
		ctx.Export("version", job.Version)

		// A second project through an explicit provider: its own endpoint, project and token.
		if otherProject := cfg.Get("otherProjectId"); otherProject != "" {
			other, err := servicestage.NewProvider(ctx, "other-project", &servicestage.ProviderArgs{
				ProjectId: pulumi.String(otherProject),
				Endpoint:  pulumi.StringPtr(cfg.Get("otherEndpoint")),
				AuthToken: cfg.GetSecret("otherAuthToken"),
			})
			if err != nil {
				return err
			}
			otherJob, err := servicestage.NewJobComponent(ctx, "other", jobArgs("comp-other", "other", version), pulumi.Provider(other))
			if err != nil {
				return err
			}
			ctx.Export("otherJobId", otherJob.JobId)
		}
		return nil
	})
}
