using System.Collections;
using Pulse.Testing;

namespace Pulse.Cli.Tests;

/// <summary>pulse serve's configuration: appsettings.json, then PULSE__ environment variables, then flags; bad values are one line and exit 2.</summary>
public sealed class ServeSettingsTests : IDisposable
{
    private const string FileSecret = "secret-from-the-json-file-0123456789";
    private readonly string _directory = Directory.CreateTempSubdirectory("pulse-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_directory, "settings.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static Dictionary<string, (string Flag, string? Value)> Flags(params (string Key, string Flag, string Value)[] flags) =>
        flags.ToDictionary(flag => flag.Key, flag => (flag.Flag, (string?)flag.Value), StringComparer.OrdinalIgnoreCase);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PulseCommand.RunAsync(args, new StringReader(""), output, error).DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Load_Nothing_DefaultsRunOnABareMachine()
    {
        var options = ServeSettings.Load(null, new Hashtable(), Flags()).Options;

        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(8765, options.Port);
        Assert.True(options.AllowAnonymous);
        Assert.Null(options.TokenSecret);
        Assert.Null(options.Origins);
    }

    [Fact]
    public void Load_JsonEnvironmentAndFlags_FlagsWinOverEnvironmentWhichWinsOverJson()
    {
        var file = WriteConfig("""{ "Pulse": { "Listen": "127.0.0.1:1001", "DrainTimeout": 1, "LogLevel": "Debug", "Hub": { "AllowAnonymous": true } } }""");
        var environment = new Hashtable
        {
            ["PULSE__Listen"] = "127.0.0.1:1002",
            ["PULSE__DrainTimeout"] = "2",
            ["PULSE__Hub__AllowAnonymous"] = "false",
            ["UNRELATED__Listen"] = "nonsense",
        };

        var options = ServeSettings.Load(file, environment, Flags(("Listen", "--listen", "127.0.0.1:1003"))).Options;

        Assert.Equal(1003, options.Port);
        Assert.Equal(TimeSpan.FromSeconds(2), options.DrainTimeout);
        Assert.False(options.AllowAnonymous);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, options.LogLevel);
    }

    [Fact]
    public void Load_OriginsAsJsonArrayOrCommaSeparatedVariable_BothBind()
    {
        var file = WriteConfig("""{ "Pulse": { "Origins": [ "https://a.example", "https://*.b.example" ] } }""");

        var fromJson = ServeSettings.Load(file, new Hashtable(), Flags()).Options;
        var fromEnvironment = ServeSettings.Load(null, new Hashtable { ["PULSE__Origins"] = "https://c.example, https://d.example" }, Flags()).Options;

        Assert.Equal(["https://a.example", "https://*.b.example"], fromJson.Origins);
        Assert.Equal(["https://c.example", "https://d.example"], fromEnvironment.Origins);
    }

    [Fact]
    public void Load_TokenSecretFile_ReadsTheSecretWithoutItsNewline()
    {
        var secretFile = Path.Combine(_directory, "secret");
        File.WriteAllText(secretFile, FileSecret + "\n");

        var options = ServeSettings.Load(null, new Hashtable(), Flags(("Hub:TokenSecretFile", "--token-secret-file", secretFile))).Options;

        Assert.Equal(FileSecret, options.TokenSecret);
    }

    [Theory]
    [InlineData("PULSE__Listen", "x", "pulse: Pulse:Listen = 'x': expected HOST:PORT")]
    [InlineData("PULSE__DrainTimeout", "soon", "pulse: Pulse:DrainTimeout = 'soon': expected a positive number of seconds")]
    [InlineData("PULSE__Hub__AllowAnonymous", "maybe", "pulse: Pulse:Hub:AllowAnonymous = 'maybe': expected true or false")]
    [InlineData("PULSE__LogLevel", "loud", "pulse: Pulse:LogLevel = 'loud': expected Trace")]
    [InlineData("PULSE__Origins", "example.com", "pulse: Pulse:Origins = 'example.com': expected an origin")]
    [InlineData("PULSE__EchoMaxMessageSize", "-1", "pulse: Pulse:EchoMaxMessageSize = '-1': expected a positive number of bytes")]
    [InlineData("PULSE__Hub__TokenSecret", "short", "pulse: Pulse:Hub:TokenSecret: must be at least 32 characters")]
    [InlineData("PULSE__Admin__ApiKey", "short", "pulse: Pulse:Admin:ApiKey: must be at least 16 characters")]
    [InlineData("PULSE__Limits__MaxConnections", "0", "pulse: Pulse:Limits:MaxConnections = '0': expected a positive whole number")]
    [InlineData("PULSE__Limits__MaxConnectionsPerIp", "lots", "pulse: Pulse:Limits:MaxConnectionsPerIp = 'lots': expected a positive whole number")]
    [InlineData("PULSE__TrustedProxies", "10.0.0.1, nginx", "pulse: Pulse:TrustedProxies = 'nginx': expected an IP address or a CIDR network")]
    public void Load_InvalidValue_OneLineNamingTheKey(string variable, string value, string expectedStart)
    {
        var error = Assert.Throws<UsageException>(() => ServeSettings.Load(null, new Hashtable { [variable] = value }, Flags()));

        Assert.StartsWith(expectedStart, "pulse: " + error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Serve_InvalidValueInConfigFile_OneLineAndExit2()
    {
        var file = WriteConfig("""{ "Pulse": { "PingTimeout": "-5" } }""");

        var (code, output, error) = await RunAsync("serve", "--config", file);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("pulse: Pulse:PingTimeout = '-5': expected a positive number of seconds", error.Trim());
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData(null)]
    public async Task Serve_ConfigFileMissingOrNotJson_OneLineAndExit2(string? json)
    {
        var file = json is null ? Path.Combine(_directory, "missing.json") : WriteConfig(json);

        var (code, _, error) = await RunAsync("serve", "--config", file);

        Assert.Equal(2, code);
        Assert.StartsWith($"pulse: --config '{file}': ", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task PrintConfig_ShowsEffectiveValues_MasksSecrets_ExitsZero()
    {
        var file = WriteConfig($$"""{ "Pulse": { "Listen": "127.0.0.1:1001", "Tls": { "Password": "pfx-password" }, "Admin": { "ApiKey": "admin-api-key-0123456789" }, "Hub": { "TokenSecret": "{{FileSecret}}" } } }""");

        var (code, output, error) = await RunAsync("serve", "--config", file, "--print-config", "--listen", "127.0.0.1:1002", "--no-anonymous",
            "--trusted-proxy", "127.0.0.1", "--trusted-proxy", "fd00::/8", "--max-connections", "1000");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Pulse:Listen = 127.0.0.1:1002\n", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Hub:AllowAnonymous = false\n", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:TrustedProxies = 127.0.0.1/32, fd00::/8\n", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Limits:MaxConnections = 1000\n", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Limits:MaxConnectionsPerIp = (none)\n", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Hub:TokenSecret = ********\n", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Tls:Password = ********\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain(FileSecret, output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Admin:ApiKey = ********\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("pfx-password", output, StringComparison.Ordinal);
        Assert.DoesNotContain("admin-api-key-0123456789", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LimitsAndTrustedProxies_FromJsonAndFlags()
    {
        var file = WriteConfig("""{ "Pulse": { "Limits": { "MaxConnections": 50000 }, "TrustedProxies": [ "127.0.0.1", "10.0.0.0/8", "::1" ] } }""");

        var options = ServeSettings.Load(file, new Hashtable(), Flags(("Limits:MaxConnectionsPerIp", "--max-connections-per-ip", "20"))).Options;

        Assert.Equal(50000, options.MaxConnections);
        Assert.Equal(20, options.MaxConnectionsPerAddress);
        Assert.Equal(["127.0.0.1/32", "10.0.0.0/8", "::1/128"], options.TrustedProxies.Select(network => network.ToString()));
    }

    [Fact]
    public async Task Serve_BadFlag_ErrorNamesTheFlagNotTheKey()
    {
        var (code, _, error) = await RunAsync("serve", "--listen", "127.0.0.1:notaport");

        Assert.Equal(2, code);
        Assert.StartsWith("pulse: --listen '127.0.0.1:notaport': expected HOST:PORT", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Nothing_IsThePlayground_EveryPartOn()
    {
        var options = ServeSettings.Load(null, new Hashtable(), Flags()).Options;

        Assert.True(options.IsPlayground);
        Assert.True(options.ServesDemos);
        Assert.True(options.ServesEcho);
        Assert.True(options.ServesBroadcast);
    }

    [Theory]
    [InlineData("PULSE__Hub__TokenSecret", FileSecret)]
    [InlineData("PULSE_TOKEN_SECRET", FileSecret)]
    [InlineData("PULSE__Hub__AllowAnonymous", "false")]
    public void Load_ConfiguredForReal_IsProduction_PlaygroundPartsOff(string variable, string value)
    {
        var options = ServeSettings.Load(null, new Hashtable { [variable] = value }, Flags()).Options;

        Assert.False(options.IsPlayground);
        Assert.False(options.ServesDemos);
        Assert.False(options.ServesEcho);
        Assert.False(options.ServesBroadcast);
    }

    [Fact]
    public void Load_DemosAndEndpoints_FlagsWinOverEnvironmentWhichWinsOverJson()
    {
        var file = WriteConfig($$"""{ "Pulse": { "Hub": { "TokenSecret": "{{FileSecret}}" }, "Demos": true, "Endpoints": { "Echo": true, "Broadcast": true } } }""");
        var environment = new Hashtable { ["PULSE__Endpoints__Echo"] = "false", ["PULSE__Endpoints__Broadcast"] = "false" };

        var options = ServeSettings.Load(file, environment, Flags(("Endpoints:Broadcast", "--broadcast", "true"))).Options;

        Assert.True(options.ServesDemos);
        Assert.False(options.ServesEcho);
        Assert.True(options.ServesBroadcast);
    }

    [Fact]
    public void Load_PlaygroundPartTurnedOff_StaysOff()
    {
        var options = ServeSettings.Load(null, new Hashtable { ["PULSE__Endpoints__Broadcast"] = "false" }, Flags()).Options;

        Assert.True(options.IsPlayground);
        Assert.True(options.ServesEcho);
        Assert.False(options.ServesBroadcast);
    }

    [Fact]
    public async Task PrintConfig_ShowsTheModeAndWhatItServes()
    {
        var (production, productionOutput, _) = await RunAsync("serve", "--print-config", "--no-anonymous", "--demos");
        var (playground, playgroundOutput, _) = await RunAsync("serve", "--print-config", "--echo", "false");

        Assert.Equal(0, production);
        Assert.Contains("Pulse:Demos = true\nPulse:Endpoints:Echo = false\nPulse:Endpoints:Broadcast = false\n", productionOutput, StringComparison.Ordinal);
        Assert.Contains("\nmode: production", productionOutput, StringComparison.Ordinal);
        Assert.Equal(0, playground);
        Assert.Contains("Pulse:Demos = true\nPulse:Endpoints:Echo = false\nPulse:Endpoints:Broadcast = true\n", playgroundOutput, StringComparison.Ordinal);
        Assert.Contains("\nmode: playground", playgroundOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Pulse": { "Lisen": "127.0.0.1:1001" } }""", "unknown key Pulse:Lisen (did you mean Pulse:Listen?)")]
    [InlineData("""{ "Pulse": { "Hub": { "AllowAnonymus": false } } }""", "unknown key Pulse:Hub:AllowAnonymus (did you mean Pulse:Hub:AllowAnonymous?)")]
    [InlineData("""{ "Pulse": { "Listen": { "Port": 1001 } } }""", "unknown key Pulse:Listen:Port")]
    [InlineData("""{ "Pulse": { "Frobnicate": {} } }""", "unknown key Pulse:Frobnicate; see pulse serve --print-config for every key")]
    public async Task Serve_UnknownKeyInConfigFile_RefusedNamingIt(string json, string expected)
    {
        var file = WriteConfig(json);

        var (code, output, error) = await RunAsync("serve", "--config", file);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith($"pulse: --config '{file}': {expected}", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Load_UnknownEnvironmentVariable_RefusedNamingIt()
    {
        var error = Assert.Throws<UsageException>(() => ServeSettings.Load(null, new Hashtable { ["PULSE__Lisen"] = "127.0.0.1:1001" }, Flags()));

        Assert.Equal("PULSE__Lisen: unknown setting (did you mean PULSE__Listen?)", error.Message);
    }

    [Fact]
    public void Load_EveryKnownShape_IsAccepted()
    {
        // Sections, list elements (from JSON arrays or PULSE__Origins__0) and other sections of the file are fine.
        var file = WriteConfig("""
            { "Logging": { "LogLevel": { "Default": "Warning" } },
              "Pulse": { "Hub": { "AllowAnonymous": true }, "Tls": {}, "Origins": [ "https://a.example" ], "TrustedProxies": [ "127.0.0.1" ],
                         "Endpoints": { "Echo": false }, "Demos": false } }
            """);

        var options = ServeSettings.Load(file, new Hashtable { ["PULSE__Origins__0"] = "https://b.example" }, Flags()).Options;

        Assert.Equal(["https://b.example"], options.Origins);
        Assert.False(options.ServesEcho);
    }

    [Fact]
    public async Task Serve_BrokenJson_SaysTheLineAndColumn()
    {
        var file = WriteConfig("{\n  \"Pulse\": {\n    \"Listen\": \"127.0.0.1:1001\",\n    oops\n  }\n}\n");

        var (code, _, error) = await RunAsync("serve", "--config", file);

        Assert.Equal(2, code);
        Assert.StartsWith($"pulse: --config '{file}': not valid JSON at line 4, column 5: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
