using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>The command the CLI prints for running itself again works as printed.</summary>
public sealed class CliInvocationTests
{
    [Fact]
    public void ProgramOnPathThroughALinkIsCalledByItsName()
    {
        using var dir = new TempDirectory("cli-invocation");
        var program = WriteProgram(dir.File("lib"));
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "serverless"), program);

        Assert.Equal("serverless", CliInvocation.Find(program, Path.Combine(dir.Path, "lib", "serverless.dll"), "/nonexistent" + Path.PathSeparator + bin));
    }

    [Fact]
    public void ProgramNotOnPathIsCalledByItsFullPath()
    {
        using var dir = new TempDirectory("cli invocation"); // a space: the path is quoted for the shell
        var program = WriteProgram(dir.File("lib"));
        var other = WriteProgram(dir.File("other"));

        var command = CliInvocation.Find(program, Path.Combine(dir.Path, "lib", "serverless.dll"), Path.GetDirectoryName(other));

        Assert.Equal("'" + program + "'", command);
    }

    [Fact]
    public void UnderTheDotnetHostTheAssemblyIsRunWithDotnet() =>
        Assert.Equal("dotnet /opt/serverless/serverless.dll", CliInvocation.Find("/usr/share/dotnet/dotnet", "/opt/serverless/serverless.dll", "/usr/bin"));

    private static string WriteProgram(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "serverless");
        File.WriteAllText(path, "#!/bin/sh\n");
        return path;
    }
}
