namespace ImmichGateway.Keys;

/// <summary>
/// <c>dotnet run --project src/ImmichGateway -- new-client-key [user] [client]</c>: prints a fresh client key once,
/// with its hash and the settings to paste. Only the hash goes into configuration.
/// </summary>
internal static class ClientKeyCommand
{
    public const string Name = "new-client-key";

    public static bool TryRun(string[] args, TextWriter output, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != Name)
        {
            return false;
        }

        var user = args.Length > 1 ? args[1] : "alice";
        var client = args.Length > 2 ? args[2] : "kiosk";
        if ((NameProblem(user) ?? NameProblem(client)) is { } problem)
        {
            output.WriteLine(problem);
            exitCode = 2;
            return true;
        }

        var key = ClientKeyHasher.NewKey();
        var hash = ClientKeyHasher.HashHex(key);
        output.WriteLine($"""
            Client key for {user}/{client} (shown once; give it to the client app, it goes in the x-api-key header):

                {key}

            Its SHA-256, the only thing the gateway stores:

                {hash}

            Environment variable (docker compose, Kubernetes Secret):

                Gateway__Users__{user}__Clients__{client}__KeySha256={hash}

            appsettings.json / mounted JSON:

                "Gateway": {"{"} "Users": {"{"} "{user}": {"{"} "Clients": {"{"} "{client}": {"{"} "KeySha256": "{hash}" {"}"} {"}"} {"}"} {"}"} {"}"}

            The user also needs Gateway__Users__{user}__ImmichApiKey (an API key created in Immich for that user).
            """);
        return true;
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot be printed as a setting, or null. In an environment variable's name
    /// <c>__</c> is the section separator, so a name holding <c>__</c> or ending in <c>_</c> (<c>bob_</c> gives
    /// <c>Users__bob___Clients</c>, read as user <c>bob</c> and section <c>_Clients</c>) would land on another setting.
    /// </summary>
    private static string? NameProblem(string name)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return $"'{name}': user and client names are 1 to 64 letters, digits, '-' and '_'.";
        }
        if (name.Contains("__", StringComparison.Ordinal) || name.EndsWith('_'))
        {
            return $"'{name}': a name may not hold '__' nor end with '_': in an environment variable '__' separates " +
                "sections, so Gateway__Users__... would name another setting.";
        }
        return null;
    }
}
