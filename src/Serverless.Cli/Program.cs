using System.CommandLine;

namespace Serverless.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("serverless: MySQL and MariaDB change data capture into Delta Lake tables.");
        return root.Parse(args).Invoke();
    }
}
