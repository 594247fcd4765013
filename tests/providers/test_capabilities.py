from reelgate.plan.capabilities import check_capabilities
from reelgate.preset.camera import parse_camera
from reelgate.providers.capabilities import CapabilityIssue
from reelgate.request import ProviderChoice
from tests.providers.factories import make_request


def by_field(issues: list[CapabilityIssue]) -> dict[str, CapabilityIssue]:
    return {issue.field: issue for issue in issues}


def test_a_supported_request_has_no_errors() -> None:
    issues = check_capabilities(make_request(motion_score=None))
    assert issues == []


def test_unsupported_output_values_are_errors_listing_what_works() -> None:
    issues = by_field(check_capabilities(make_request(duration=7, aspect_ratio="4:3",
                                                      resolution="4k")))
    assert issues["output.duration"].severity == "error"
    assert "5 or 10 s" in issues["output.duration"].message
    assert "16:9, 9:16, 1:1" in issues["output.aspect_ratio"].message
    assert "720p, 1080p" in issues["output.resolution"].message


def test_layers_without_a_field_are_warnings_saying_what_happens() -> None:
    issues = by_field(check_capabilities(make_request(
        camera=parse_camera("slow orbit left"), seed=3)))
    assert issues["camera"].severity == "warning" and "prompt words" in issues["camera"].message
    assert issues["motion"].severity == "warning"
    assert issues["output.seed"].severity == "warning"
    assert "not reproducible" in issues["output.seed"].message


def test_luma_drops_negative_prompt_and_needs_urls() -> None:
    issues = by_field(check_capabilities(make_request(
        provider="luma", model="ray-2", reference_image="/abs/start.png",
        camera=parse_camera("push in"))))
    assert issues["negative_prompt"].severity == "warning"
    assert issues["reference.image"].severity == "error"
    assert "https URL" in issues["reference.image"].message
    assert "camera" not in issues  # push-in is a Luma concept


def test_kling_camera_control_only_where_documented() -> None:
    v1 = by_field(check_capabilities(make_request(model="kling-v1",
                                                  camera=parse_camera("pan left"))))
    assert "camera" not in v1
    v1_pro = by_field(check_capabilities(make_request(model="kling-v1", mode="pro",
                                                      resolution="1080p",
                                                      camera=parse_camera("pan left"))))
    assert "documents camera_control" in v1_pro["camera"].message
    v26 = by_field(check_capabilities(make_request(camera=parse_camera("pan left"))))
    assert v26["camera"].severity == "warning"


def test_kling_mode_must_fit_the_resolution() -> None:
    issues = by_field(check_capabilities(make_request(mode="std", resolution="1080p")))
    assert issues["provider.mode"].severity == "error"
    assert "set provider.mode to pro" in issues["provider.mode"].message


def test_kling_motion_control_needs_an_image_and_a_video_url() -> None:
    issues = by_field(check_capabilities(make_request(reference_video="/abs/dance.mp4")))
    assert issues["reference.image"].severity == "error"
    assert issues["reference.video"].severity == "error"
    assert issues["output.duration"].severity == "warning"


def test_image_only_models_say_so() -> None:
    issues = by_field(check_capabilities(make_request(provider="runway", model="gen4_turbo")))
    assert "needs a reference image" in issues["reference.image"].message


def test_runway_warns_when_ratio_pixels_differ_from_resolution() -> None:
    issues = by_field(check_capabilities(make_request(
        provider="runway", model="gen4_turbo", aspect_ratio="1:1",
        reference_image="https://example.com/a.png")))
    assert "960x960" in issues["output.resolution"].message


def test_unknown_provider_and_model_are_errors_with_the_choices() -> None:
    unknown = check_capabilities(make_request(provider="sora"))
    assert unknown[0].field == "provider.name" and "installed: fal, kling" in unknown[0].message
    model = check_capabilities(make_request(model="kling-v9"))
    assert model[0].field == "provider.model" and "kling-v2-6" in model[0].message


def test_failover_target_is_checked_too() -> None:
    issues = check_capabilities(make_request(
        motion_score=None, failover=ProviderChoice(name="luma", model="ray-2")))
    fields = {i.field for i in issues}
    assert "failover.negative_prompt" in fields
    assert all(i.field.startswith("failover.") for i in issues)


def test_moves_made_together_go_as_prompt_words_a_simulator_reads_back() -> None:
    from reelgate.providers.luma import concept_for
    from reelgate.providers.prompting import compose_prompt, read_camera

    together = parse_camera("slow push-in with a gentle pan right")
    v1 = by_field(check_capabilities(make_request(model="kling-v1", camera=together)))
    assert "no camera control for moves made together" in v1["camera"].message
    assert "'slow push-in with gentle pan-right'" in v1["camera"].message
    assert concept_for(together) is None and concept_for(parse_camera("push in")) is not None
    prompt = compose_prompt("a cup", together, None, camera_native=False, motion_native=False)
    assert read_camera(prompt) == together
