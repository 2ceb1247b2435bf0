using System.CommandLine;
using Pulse.Hub.Hosting;
using Pulse.Server;

namespace Pulse.Cli;

/// <summary><c>pulse token --user U [--channels a,b]</c>: prints a hub token (JWT, HS256) for development.</summary>
internal static class TokenCommand
{
    public static Command Create(CliConsole console)
    {
        var user = new Option<string>("--user") { Description = "The user the token is for (its sub claim).", Required = true };
        var channels = new Option<string[]>("--channels") { Description = "Private channels allowed, comma-separated; patterns like 'private:*' allowed.", AllowMultipleArgumentsPerToken = true };
        var ttl = new Option<double>("--ttl") { Description = "Lifetime in seconds.", DefaultValueFactory = _ => 3600 };
        var secret = new Option<string?>("--secret") { Description = "The HS256 secret. Default: $PULSE_TOKEN_SECRET, else the development secret pulse serve uses." };

        var command = new Command("token", "Print a hub token for development.") { user, channels, ttl, secret };
        command.SetAction(async parse =>
        {
            var seconds = parse.GetValue(ttl);
            if (seconds <= 0 || double.IsNaN(seconds))
            {
                throw new UsageException($"--ttl {seconds}: must be a positive number of seconds");
            }

            var fromEnvironment = Environment.GetEnvironmentVariable("PULSE_TOKEN_SECRET");
            var key = parse.GetValue(secret) ?? (string.IsNullOrEmpty(fromEnvironment) ? ServeOptions.DevelopmentTokenSecret : fromEnvironment);
            HubTokens tokens;
            try
            {
                tokens = new HubTokens(key);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--secret: {UsageException.MessageOf(e)}");
            }

            var allowed = (parse.GetValue(channels) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            await console.Output.WriteLineAsync(tokens.Create(parse.GetValue(user)!, allowed, TimeSpan.FromSeconds(seconds))).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
