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
        if (!IsValidName(user) || !IsValidName(client))
        {
            output.WriteLine("User and client names may contain only letters, digits, '-' and '_'.");
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

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
