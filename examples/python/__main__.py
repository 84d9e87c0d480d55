"""The redeploy page's example job component and a two-batch release task, in Python.

Both must already exist in ServiceStage (the resources adopt them). Credentials and the
project come from stack config (servicestage:*) or the environment (HW_*), never from code.

Stack config:
    version          the component's version (default 2025.0323.15181)
    releaseDesc      the release task's description
    otherProjectId   also redeploy comp-other through an explicit provider of that project,
    otherEndpoint    at that endpoint (default: the stack's),
    otherAuthToken   (secret) with that token
"""

from typing import Optional

import pulumi
import pulumi_servicestage as servicestage

config = pulumi.Config()
version = config.get("version") or "2025.0323.15181"


def job_component(name: str, component_id: str, opts: Optional[pulumi.ResourceOptions] = None) -> servicestage.JobComponent:
    """The page's example spec for one component."""
    return servicestage.JobComponent(
        name,
        application_id="app-demo",
        component_id=component_id,
        name=name,
        description="",
        labels=[servicestage.LabelArgs(key="com-key", value="com-value")],
        version=version,
        runtime_stack=servicestage.JobRuntimeStackArgs(
            name="OpenJDK8",
            version="1.1.1",
            type=servicestage.JobRuntimeStackType.JAVA,
            deploy_mode=servicestage.JobRuntimeStackDeployMode.VIRTUALMACHINE,
        ),
        source=servicestage.SourceArgs(
            kind=servicestage.SourceKind.PACKAGE,
            url="obs://bucket0001/weather-1.0.0.jar",
            version="",
            storage=servicestage.SourceStorage.OBS,
        ),
        tomcat_opts=servicestage.TomcatOptsArgs(server_xml=""),
        refer_resources=[servicestage.JobReferResourceArgs(id="67835bb3-1235-4cc9-be71-becbb2b4ca0d", type=servicestage.JobReferResourceType.ECS)],
        task_setting=servicestage.TaskSettingArgs(
            parallelism=1,
            completion_mode=servicestage.TaskSettingCompletionMode.INDEXED,
            suspend=False,
        ),
        replica=1,
        opts=opts,
    )


def release_component(seq: int, component_id: str, name: str, strategy: servicestage.ReleasePlanDeployStrategyArgs) -> servicestage.ReleasePlanComponentArgs:
    return servicestage.ReleasePlanComponentArgs(
        seq=seq,
        component_id=component_id,
        name=name,
        environment_id="env-prod",
        runtime_stack=servicestage.ReleasePlanRuntimeStackArgs(
            name="OpenJDK17",
            version="17.0.1",
            type=servicestage.ReleasePlanRuntimeStackType.JAVA,
            deploy_mode=servicestage.ReleasePlanRuntimeStackDeployMode.CONTAINER,
        ),
        source=servicestage.SourceArgs(
            kind=servicestage.SourceKind.IMAGE,
            url="swr.cn-north-4.myhuaweicloud.com/demo/app:1.0.0",
            storage=servicestage.SourceStorage.SWR,
        ),
        version="1.0.0",
        replica=2,
        refer_resources=[
            servicestage.ReleasePlanReferResourceArgs(
                id="cce-cluster-1",
                type=servicestage.ReleasePlanReferResourceType.CCE,
                parameters=servicestage.ReferResourceParametersArgs(namespace="default"),
            )
        ],
        deploy_strategy=strategy,
    )


job = job_component("mycomponent", "comp-job")

plan = servicestage.ReleasePlan(
    "release",
    release_plan_id="bb09c189-d17e-480a-a0e4-3a102b3795b0",
    name="release-2025-q3",
    desc=config.get("releaseDesc") or "two batches",
    fail_strategy=servicestage.ReleasePlanFailStrategy.STOP,
    components=[
        release_component(
            1,
            "comp-api",
            "api",
            servicestage.ReleasePlanDeployStrategyArgs(
                type=servicestage.ReleasePlanDeployStrategyType.GRAY_RELEASE,
                gray_release=servicestage.GrayReleaseArgs(
                    type=servicestage.GrayReleaseType.WEIGHT, first_batch_weight=20, first_batch_replica=1, remaining_batch=2
                ),
            ),
        ),
        release_component(
            2,
            "comp-web",
            "web",
            servicestage.ReleasePlanDeployStrategyArgs(
                type=servicestage.ReleasePlanDeployStrategyType.ROLLING_RELEASE,
                rolling_release=servicestage.RollingReleaseArgs(batches=2),
            ),
        ),
    ],
)

pulumi.export("jobId", job.job_id)
pulumi.export("jobStatus", job.job_status)
pulumi.export("version", job.version)
pulumi.export("releasePlanId", plan.id)

# A second project through an explicit provider: its own endpoint, project and token.
other_project = config.get("otherProjectId")
if other_project:
    other = servicestage.Provider(
        "other-project",
        project_id=other_project,
        endpoint=config.get("otherEndpoint"),
        auth_token=config.get_secret("otherAuthToken"),
    )
    other_job = job_component("other", "comp-other", pulumi.ResourceOptions(provider=other))
    pulumi.export("otherJobId", other_job.job_id)
