"""A two-batch release task with run_on_change: each change edits the task and executes it once.

The components it releases (comp-api, comp-web) must exist in ServiceStage: the test seeds
them. Stack config:
    version   the version both components are released at (default 1.0.0)
"""

import pulumi
import pulumi_servicestage as servicestage

config = pulumi.Config()
version = config.get("version") or "1.0.0"


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
            url=f"swr.cn-north-4.myhuaweicloud.com/demo/app:{version}",
            storage=servicestage.SourceStorage.SWR,
        ),
        version=version,
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


plan = servicestage.ReleasePlan(
    "release",
    release_plan_id="bb09c189-d17e-480a-a0e4-3a102b3795b0",
    name="release-2025-q3",
    desc="two batches",
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
    run_on_change=True,
    run_timeout_seconds=300,
)

pulumi.export("releasePlanId", plan.id)
pulumi.export("runStatus", plan.run_status)
pulumi.export("runExecuteTime", plan.run_execute_time)
