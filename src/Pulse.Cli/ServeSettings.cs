using System.Collections;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pulse.Redis.Engine;
using Pulse.Server;

namespace Pulse.Cli;

/// <summary>
/// The configuration of <c>pulse serve</c>: <c>appsettings.json</c> (the <c>Pulse</c> section), then environment
/// variables <c>PULSE__…</c>, then flags, each overriding the one before; validated into <see cref="ServeOptions"/>.
/// A bad value, an unknown key or a file that is not JSON is a <see cref="UsageException"/> naming the flag, the key
/// or the file's line and column.
/// </summary>
internal sealed class ServeSettings
{
    /// <summary>The configuration section, and the prefix of environment variables (<c>PULSE__Hub__AllowAnonymous</c>).</summary>
    public const string Section = "Pulse";

    public const string DefaultConfigFile = "appsettings.json";

    /// <summary>Every key, in the order <c>--print-config</c> prints them; the secret ones are masked there.</summary>
    private static readonly (string Key, bool Secret)[] s_keys =
    [
        ("Listen", false),
        ("Tls:Certificate", false),
        ("Tls:Key", false),
        ("Tls:Password", true),
        ("Origins", false),
        ("DrainTimeout", false),
        ("PingInterval", false),
        ("PingTimeout", false),
        ("EchoMaxMessageSize", false),
        ("Compression", false),
        ("Demos", false),
        ("Endpoints:Echo", false),
        ("Endpoints:Broadcast", false),
        ("Limits:MaxConnections", false),
        ("Limits:MaxConnectionsPerIp", false),
        ("TrustedProxies", false),
        ("LogLevel", false),
        ("Hub:AllowAnonymous", false),
        ("Hub:TokenSecret", true),
        ("Hub:TokenSecretFile", false),
        ("Admin:ApiKey", true),
        ("Engine", false),
        ("Redis:Configuration", false),
        ("Redis:Address", false),
        ("Redis:User", false),
        ("Redis:Password", true),
        ("Redis:Tls", false),
        ("Redis:Prefix", false),
    ];

    // Older names still read, not shown by --print-config: Redis:Address is Redis:Configuration's first name.
    private static readonly string[] s_aliases = ["Redis:Address"];

    // Keys whose value may be a JSON array: their elements are Key:0, Key:1, ...
    private static readonly string[] s_listKeys = ["Origins", "TrustedProxies"];

    private readonly IConfigurationSection _section;
    private readonly IReadOnlyDictionary<string, string> _flagNames;

    private ServeSettings(IConfigurationSection section, IReadOnlyDictionary<string, string> flagNames, ServeOptions options)
    {
        _section = section;
        _flagNames = flagNames;
        Options = options;
    }

    /// <summary>The validated options.</summary>
    public ServeOptions Options { get; }

    /// <summary>
    /// Reads and validates the configuration.
    /// </summary>
    /// <param name="configFile">The JSON file from <c>--config</c> (must exist), or null for <c>./appsettings.json</c> if present.</param>
    /// <param name="environment">The environment variables; only <c>PULSE__…</c> ones are read (and <c>PULSE_TOKEN_SECRET</c>).</param>
    /// <param name="flags">The flags given on the command line: key (without the section) → (flag name, value).</param>
    /// <exception cref="UsageException">A value is invalid; the message is one line naming it.</exception>
    public static ServeSettings Load(string? configFile, IDictionary environment, IReadOnlyDictionary<string, (string Flag, string? Value)> flags)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            var path = Path.GetFullPath(configFile);
            if (!File.Exists(path))
            {
                throw new UsageException($"--config '{configFile}': no such file");
            }

            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
        }
        else
        {
            var path = Path.GetFullPath(DefaultConfigFile);
            if (File.Exists(path))
            {
                configFile = DefaultConfigFile;
                builder.AddJsonFile(path, optional: true, reloadOnChange: false);
            }
        }

        var fromEnvironment = FromEnvironment(environment).ToList();
        builder.AddInMemoryCollection(fromEnvironment.Select(variable => new KeyValuePair<string, string?>(variable.Key, variable.Value)));
        builder.AddInMemoryCollection(flags.Select(flag => new KeyValuePair<string, string?>($"{Section}:{flag.Key}", flag.Value.Value)));
        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"--config '{configFile}': {DescribeUnreadable(e)}");
        }

        // A misspelt key would otherwise be ignored without a word, and the server run without the setting.
        if (configFile is not null && UnknownKeys(root.Providers.First()).FirstOrDefault() is { } unknownInFile)
        {
            throw new UsageException($"--config '{configFile}': unknown key {Section}:{unknownInFile}{Suggestion(unknownInFile, key => $"{Section}:{key}")}");
        }

        foreach (var variable in fromEnvironment)
        {
            var key = variable.Key[(Section.Length + 1)..];
            if (!IsKnown(key))
            {
                throw new UsageException($"{variable.Name}: unknown setting{Suggestion(key, known => $"{Section.ToUpperInvariant()}__{known.Replace(":", "__", StringComparison.Ordinal)}")}");
            }
        }

        var flagNames = flags.ToDictionary(flag => flag.Key, flag => flag.Value.Flag, StringComparer.OrdinalIgnoreCase);
        var section = root.GetSection(Section);
        var settings = new ServeSettings(section, flagNames, new ServeOptions());
        settings.Bind(environment);
        return settings;
    }

    /// <summary>The effective values, one <c>Pulse:Key = value</c> line each, secrets masked, then the mode.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var (key, secret) in s_keys.Where(key => !s_aliases.Contains(key.Key)))
        {
            var value = Display(key);
            yield return $"{Section}:{key} = {(secret && value != "" ? "********" : value)}";
        }

        yield return Options.IsPlayground
            ? "mode: playground (nothing configured): Demos and Endpoints are on unless turned off"
            : "mode: production (a token secret, or anonymous access off): Demos and Endpoints are off unless turned on";
    }

    // Each PULSE__A__B variable as the key Pulse:A:B, with the variable's name for messages.
    private static IEnumerable<(string Name, string Key, string? Value)> FromEnvironment(IDictionary environment)
    {
        const string prefix = Section + "__";
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return (name, $"{Section}:{name[prefix.Length..].Replace("__", ":", StringComparison.Ordinal)}", entry.Value as string);
            }
        }
    }

    // The keys under the Pulse section of one source, relative to it, that no setting reads. Sections
    // ("Hub", "Tls") and the elements of list keys ("Origins:0") are known.
    private static IEnumerable<string> UnknownKeys(IConfigurationProvider provider)
    {
        var pending = new Stack<string>([Section]);
        while (pending.TryPop(out var path))
        {
            foreach (var child in provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var childPath = $"{path}:{child}";
                var key = childPath[(Section.Length + 1)..];
                if (!IsKnown(key))
                {
                    yield return key;
                }
                else
                {
                    pending.Push(childPath);
                }
            }
        }
    }

    private static bool IsKnown(string key)
    {
        foreach (var (known, _) in s_keys)
        {
            if (string.Equals(known, key, StringComparison.OrdinalIgnoreCase)
                || known.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && s_listKeys.Contains(key[..colon], StringComparer.OrdinalIgnoreCase)
            && int.TryParse(key[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    // " (did you mean X?)" when a known key is a typo away from the unknown one.
    private static string Suggestion(string unknown, Func<string, string> format)
    {
        var (closest, distance) = s_keys
            .Select(known => (known.Key, Distance: EditDistance(known.Key.ToUpperInvariant(), unknown.ToUpperInvariant())))
            .MinBy(candidate => candidate.Distance);
        return distance <= Math.Max(1, closest.Length / 4) ? $" (did you mean {format(closest)}?)" : "; see pulse serve --print-config for every key";
    }

    // Levenshtein distance: insertions, deletions and substitutions.
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    // The JSON parser's reason with its line and column (1-based), without its own "LineNumber: | BytePositionInLine:" tail.
    private static string DescribeUnreadable(InvalidDataException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Text.Json.JsonException { LineNumber: { } line, BytePositionInLine: { } position } json)
            {
                var reason = json.Message;
                var tail = reason.IndexOf(" Path: ", StringComparison.Ordinal) is var at and >= 0 ? at : reason.IndexOf(" LineNumber: ", StringComparison.Ordinal);
                reason = tail >= 0 ? reason[..tail] : reason;
                return $"not valid JSON at line {line + 1}, column {position + 1}: {OneLine(reason)}";
            }
        }

        return OneLine(e.InnerException?.Message ?? e.Message);
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private string Display(string key) => key switch
    {
        "Listen" => Options.Host.Contains(':', StringComparison.Ordinal) ? $"[{Options.Host}]:{Options.Port}" : $"{Options.Host}:{Options.Port}",
        "Tls:Certificate" => Options.CertificatePath ?? "",
        "Tls:Key" => Options.KeyPath ?? "",
        "Tls:Password" => Options.CertificatePassword ?? "",
        "Origins" => Options.Origins is null ? "(any)" : string.Join(", ", Options.Origins),
        "DrainTimeout" => Seconds(Options.DrainTimeout),
        "PingInterval" => Options.PingInterval is { } interval ? Seconds(interval) : "0",
        "PingTimeout" => Options.PingTimeout is { } timeout ? Seconds(timeout) : "0",
        "EchoMaxMessageSize" => Options.EchoMaxMessageSize.ToString(CultureInfo.InvariantCulture),
        "Compression" => Options.Compression ? "true" : "false",
        "Demos" => Options.ServesDemos ? "true" : "false",
        "Endpoints:Echo" => Options.ServesEcho ? "true" : "false",
        "Endpoints:Broadcast" => Options.ServesBroadcast ? "true" : "false",
        "Limits:MaxConnections" => Options.MaxConnections?.ToString(CultureInfo.InvariantCulture) ?? "(none)",
        "Limits:MaxConnectionsPerIp" => Options.MaxConnectionsPerAddress?.ToString(CultureInfo.InvariantCulture) ?? "(none)",
        "TrustedProxies" => Options.TrustedProxies.Count == 0 ? "(none)" : string.Join(", ", Options.TrustedProxies),
        "LogLevel" => Options.LogLevel.ToString(),
        "Hub:AllowAnonymous" => Options.AllowAnonymous ? "true" : "false",
        "Hub:TokenSecret" => Options.TokenSecret ?? "",
        "Hub:TokenSecretFile" => _section["Hub:TokenSecretFile"] ?? "",
        "Admin:ApiKey" => Options.AdminApiKey ?? "",
        "Engine" => Options.Engine.ToString().ToLowerInvariant(),
        "Redis:Configuration" => RedisConfiguration.Mask(Options.RedisConfiguration),
        "Redis:User" => Options.RedisUser ?? "",
        "Redis:Password" => Options.RedisPassword ?? "",
        "Redis:Tls" => Options.RedisTls ? "true" : "false",
        "Redis:Prefix" => Options.RedisPrefix,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture);

    private void Bind(IDictionary environment)
    {
        var options = Options;
        if (Value("Listen") is { } listen)
        {
            var address = ListenAddress.Parse(listen, Source("Listen"));
            options.Host = address.Host;
            options.Port = address.Port;
        }

        options.CertificatePath = Value("Tls:Certificate");
        options.KeyPath = Value("Tls:Key");
        options.CertificatePassword = Value("Tls:Password");
        if (options.KeyPath is not null && options.CertificatePath is null)
        {
            throw new UsageException($"{Source("Tls:Key")}: needs a certificate ({Source("Tls:Certificate")}) too");
        }

        options.Origins = Origins();
        options.DrainTimeout = PositiveSeconds("DrainTimeout") ?? options.DrainTimeout;
        options.PingInterval = OptionalSeconds("PingInterval", options.PingInterval);
        options.PingTimeout = OptionalSeconds("PingTimeout", options.PingTimeout);
        if (Value("EchoMaxMessageSize") is { } size)
        {
            options.EchoMaxMessageSize = int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
                ? bytes
                : throw Invalid("EchoMaxMessageSize", size, "expected a positive number of bytes");
        }

        options.MaxConnections = PositiveCount("Limits:MaxConnections");
        options.MaxConnectionsPerAddress = PositiveCount("Limits:MaxConnectionsPerIp");
        options.TrustedProxies = TrustedProxies();

        if (Value("LogLevel") is { } level)
        {
            options.LogLevel = Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(level, CultureInfo.InvariantCulture, out _)
                ? parsed
                : throw Invalid("LogLevel", level, "expected Trace, Debug, Information, Warning, Error, Critical or None");
        }

        options.Compression = Boolean("Compression") ?? options.Compression;
        options.AllowAnonymous = Boolean("Hub:AllowAnonymous") ?? options.AllowAnonymous;
        options.Demos = Boolean("Demos");
        options.Echo = Boolean("Endpoints:Echo");
        options.Broadcast = Boolean("Endpoints:Broadcast");

        options.TokenSecret = Value("Hub:TokenSecret");
        if (Value("Hub:TokenSecretFile") is { } secretFile)
        {
            if (options.TokenSecret is not null)
            {
                throw new UsageException($"{Source("Hub:TokenSecretFile")}: conflicts with {Source("Hub:TokenSecret")}; give one of them");
            }

            try
            {
                options.TokenSecret = File.ReadAllText(secretFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Invalid("Hub:TokenSecretFile", secretFile, $"cannot read: {OneLine(e.Message)}");
            }

            if (options.TokenSecret.Length == 0)
            {
                throw Invalid("Hub:TokenSecretFile", secretFile, "the file is empty");
            }
        }

        // The older, documented variable: used when no configured secret is found.
        options.TokenSecret ??= environment["PULSE_TOKEN_SECRET"] is string { Length: > 0 } legacy ? legacy : null;
        if (options.TokenSecret is { Length: < 32 })
        {
            throw new UsageException($"{Source("Hub:TokenSecret")}: must be at least 32 characters");
        }

        options.AdminApiKey = Value("Admin:ApiKey");
        if (options.AdminApiKey is { Length: < 16 })
        {
            throw new UsageException($"{Source("Admin:ApiKey")}: must be at least 16 characters");
        }

        BindEngine(options);
    }

    private void BindEngine(ServeOptions options)
    {
        if (Value("Engine") is { } engine)
        {
            options.Engine = engine.ToLowerInvariant() switch
            {
                "memory" => HubEngine.Memory,
                "redis" => HubEngine.Redis,
                _ => throw Invalid("Engine", engine, "expected memory or redis"),
            };
        }

        var redisKey = Value("Redis:Configuration") is null && Value("Redis:Address") is not null ? "Redis:Address" : "Redis:Configuration";
        if (Value(redisKey) is { } configuration)
        {
            try
            {
                RedisConfiguration.Parse(configuration);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"{Source(redisKey)}: {e.Message}");
            }

            options.RedisConfiguration = configuration;
        }

        options.RedisUser = Value("Redis:User");
        options.RedisPassword = Value("Redis:Password");
        if (options.RedisUser is not null && options.RedisPassword is null)
        {
            throw new UsageException($"{Source("Redis:User")}: needs a password ({Source("Redis:Password")}) too");
        }

        options.RedisTls = Boolean("Redis:Tls") ?? options.RedisTls;

        if (Value("Redis:Prefix") is { } prefix)
        {
            options.RedisPrefix = prefix.Any(char.IsWhiteSpace) ? throw Invalid("Redis:Prefix", prefix, "must not contain spaces") : prefix;
        }

        if (options.Engine == HubEngine.Memory && _section.GetSection("Redis").GetChildren().FirstOrDefault(child => child.Value is { Length: > 0 }) is { } set)
        {
            throw new UsageException($"{Source($"Redis:{set.Key}")}: Redis settings need the redis engine (--engine redis or Pulse:Engine = redis)");
        }
    }

    private string[]? Origins()
    {
        var list = List("Origins");
        foreach (var origin in list)
        {
            var pattern = origin.Replace("://*.", "://wildcard.", StringComparison.Ordinal);
            if (!Uri.TryCreate(pattern, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                throw Invalid("Origins", origin, "expected an origin like https://example.com or https://*.example.com");
            }
        }

        return list.Length > 0 ? list : null;
    }

    private bool? Boolean(string key) => Value(key) is not { } text
        ? null
        : bool.TryParse(text, out var value) ? value : throw Invalid(key, text, "expected true or false");

    private int? PositiveCount(string key) => Value(key) is not { } text
        ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw Invalid(key, text, "expected a positive whole number");

    // Addresses (a single host) or CIDR networks; a list in one value (flags, variables) or a JSON array.
    private List<IPNetwork> TrustedProxies()
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in List("TrustedProxies"))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw Invalid("TrustedProxies", entry, "expected an IP address or a CIDR network like 10.0.0.0/8");
            }
        }

        return networks;
    }

    private string[] List(string key)
    {
        var section = _section.GetSection(key);
        return section.Value is { } joined
            ? joined.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. section.GetChildren().Select(child => child.Value).OfType<string>().Where(value => value.Length > 0)];
    }

    private TimeSpan? PositiveSeconds(string key)
    {
        if (Value(key) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(seconds)
            : throw Invalid(key, text, "expected a positive number of seconds");
    }

    private TimeSpan? OptionalSeconds(string key, TimeSpan? fallback)
    {
        if (Value(key) is not { } text)
        {
            return fallback;
        }

        if (text == "0")
        {
            return null;
        }

        return PositiveSeconds(key);
    }

    private string? Value(string key) => _section[key] is { Length: > 0 } value ? value : null;

    private string Source(string key) => _flagNames.TryGetValue(key, out var flag) ? flag : $"{Section}:{key}";

    private UsageException Invalid(string key, string value, string problem) => new($"{ListenAddress.Describe(Source(key), value)}: {problem}");
}
