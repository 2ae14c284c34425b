namespace Serverless.Cdc.Preflight;

/// <summary>A store preflight writes a probe object to: what it is called in problems and the setting that moves it.</summary>
/// <param name="Check">The check a failure is reported under.</param>
/// <param name="Name">How problems name it ("the lake target").</param>
/// <param name="Setting">Where it is configured ("target.root"), the problem's subject.</param>
/// <param name="Elsewhere">The way around any problem with it ("point target.root elsewhere").</param>
public sealed record ProbedStore(PreflightCheck Check, string Name, string Setting, string Elsewhere)
{
    public static ProbedStore LakeTarget { get; } = new(PreflightCheck.LakeTarget, "the lake target", "target.root", "point target.root elsewhere");

    public static ProbedStore StateFolder { get; } = new(PreflightCheck.StateFolder, "the state folder", "--state", "run with --state naming a writable folder");
}
