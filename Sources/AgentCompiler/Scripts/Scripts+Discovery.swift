import Workflow

extension Scripts {
    /// Appends discovered MCP tools (`discovered_<i>` from LIST_MCP_TOOLS) and API tools (`api_discovered_<i>`,
    /// the parsed spec or an INLINE output wrapping it) to the static specs; returns
    /// `{tools, mcpConfig, apiConfig, needsFilter}`.
    static func discoveryPrepare(staticSpecs: [JSONValue], mcpServers: [JSONValue], apiSources: [JSONValue], maxTools: Int, mcpInputPrefix: String) -> String {
        let baked = """
        var tools = \(literal(.array(staticSpecs))), servers = \(literal(.array(mcpServers))), apis = \(literal(.array(apiSources)));
        var maxTools = \(maxTools), mcpPrefix = \(literal(mcpInputPrefix));
        """
        return iife(baked + "\n" + #"""
        var mcpConfig = {}, apiConfig = {}, i, j, seen = {};
        for (i = 0; i < tools.length; i++) { seen[tools[i].name] = true; }
        for (i = 0; i < servers.length; i++) {
          var found = $[mcpPrefix + i];
          if (__isObj(found) && found.tools !== undefined) { found = found.tools; }
          if (!__isArr(found)) { continue; }
          for (j = 0; j < found.length; j++) {
            var t = found[j];
            if (!__isObj(t) || !t.name || seen[t.name]) { continue; }
            seen[t.name] = true;
            var cfg = { mcpServer: servers[i].url, headers: servers[i].headers || {} };
            tools.push({ name: t.name, type: 'CALL_MCP_TOOL', description: t.description || '',
                         inputSchema: __copy(t.inputSchema) || { type: 'object', properties: {} }, configParams: cfg });
            mcpConfig[t.name] = cfg;
          }
        }
        for (i = 0; i < apis.length; i++) {
          var api = $['api_discovered_' + i];
          if (__isObj(api) && __isObj(api.result)) { api = api.result; }
          if (!__isObj(api) || !__isArr(api.tools)) { continue; }
          for (j = 0; j < api.tools.length; j++) {
            var op = api.tools[j];
            if (!__isObj(op) || !op.name || seen[op.name]) { continue; }
            seen[op.name] = true;
            tools.push({ name: op.name, type: 'HTTP', description: op.description || '',
                         inputSchema: __copy(op.inputSchema) || { type: 'object', properties: {} } });
            apiConfig[op.name] = { baseUrl: api.baseUrl || '', method: op.method || 'GET', path: op.path || '', headers: apis[i].headers || {} };
          }
        }
        return { tools: tools, mcpConfig: mcpConfig, apiConfig: apiConfig, needsFilter: tools.length > maxTools };
        """#, helpers: true)
    }

    /// Parses an OpenAPI 3.x, Swagger 2.0 or Postman collection into `{tools, baseUrl, format}`.
    static let apiParse = iife(#"""
    var body = $.specBody, specUrl = String($.specUrl || ''), spec = body;
    if (typeof body === 'string') { spec = __parse(body); if (spec === undefined) { return { tools: [], baseUrl: '', format: 'parse_error' }; } }
    if (!__isObj(spec)) { return { tools: [], baseUrl: '', format: 'unknown' }; }
    var m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\/]+)/.exec(specUrl), origin = m ? m[1] : '';
    var tools = [], methods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
    function slug(p) { return String(p).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, ''); }
    function schemaOf(params, bodySchema) {
      var props = {}, required = [], i, k;
      if (__isArr(params)) {
        for (i = 0; i < params.length; i++) {
          var p = params[i];
          if (!__isObj(p) || !p.name || p['in'] === 'header' || p['in'] === 'body') { continue; }
          props[p.name] = __copy(p.schema) || { type: p.type || 'string' };
          if (p.description) { props[p.name].description = p.description; }
          if (p.required === true) { required.push(p.name); }
        }
      }
      if (__isObj(bodySchema) && __isObj(bodySchema.properties)) {
        for (k in bodySchema.properties) { props[k] = __copy(bodySchema.properties[k]); }
        if (__isArr(bodySchema.required)) { for (i = 0; i < bodySchema.required.length; i++) { required.push(bodySchema.required[i]); } }
      }
      var s = { type: 'object', properties: props };
      if (required.length) { s.required = required; }
      return s;
    }
    if (__isObj(spec.paths)) {
      var isV3 = spec.openapi !== undefined, baseUrl = origin;
      if (isV3 && __isArr(spec.servers) && spec.servers.length && spec.servers[0].url) {
        baseUrl = String(spec.servers[0].url);
        if (baseUrl.indexOf('://') < 0) { baseUrl = origin + (baseUrl.charAt(0) === '/' ? '' : '/') + baseUrl; }
      } else if (!isV3 && spec.host) {
        baseUrl = ((__isArr(spec.schemes) && spec.schemes.length) ? spec.schemes[0] : 'https') + '://' + spec.host + (spec.basePath || '');
      }
      for (var path in spec.paths) {
        var item = spec.paths[path];
        if (!__isObj(item)) { continue; }
        for (var i = 0; i < methods.length; i++) {
          var op = item[methods[i]];
          if (!__isObj(op)) { continue; }
          var params = [], j;
          if (__isArr(item.parameters)) { for (j = 0; j < item.parameters.length; j++) { params.push(item.parameters[j]); } }
          if (__isArr(op.parameters)) { for (j = 0; j < op.parameters.length; j++) { params.push(op.parameters[j]); } }
          var bodySchema = null;
          if (isV3 && __isObj(op.requestBody) && __isObj(op.requestBody.content)) {
            var c = op.requestBody.content['application/json'];
            if (__isObj(c)) { bodySchema = c.schema; }
          } else if (!isV3) {
            for (j = 0; j < params.length; j++) { if (__isObj(params[j]) && params[j]['in'] === 'body') { bodySchema = params[j].schema; } }
          }
          tools.push({ name: op.operationId || (methods[i] + '_' + slug(path)), description: op.summary || op.description || '',
                       method: methods[i].toUpperCase(), path: path, inputSchema: schemaOf(params, bodySchema) });
        }
      }
      return { tools: tools, baseUrl: baseUrl, format: isV3 ? 'openapi3' : 'swagger2' };
    }
    if (__isArr(spec.item)) {
      var walk = function (items) {
        for (var i = 0; i < items.length; i++) {
          var it = items[i];
          if (!__isObj(it)) { continue; }
          if (__isArr(it.item)) { walk(it.item); continue; }
          var req = it.request;
          if (!__isObj(req)) { continue; }
          var url = typeof req.url === 'string' ? req.url : (__isObj(req.url) ? String(req.url.raw || '') : '');
          var pm = /^[a-zA-Z]+:\/\/[^\/]+(\/[^?]*)?/.exec(url), p = pm && pm[1] ? pm[1] : '/';
          tools.push({ name: slug(it.name || (req.method + '_' + p)), description: it.name || '', method: String(req.method || 'GET').toUpperCase(),
                       path: p, inputSchema: { type: 'object', properties: {} } });
        }
      };
      walk(spec.item);
      return { tools: tools, baseUrl: origin, format: 'postman' };
    }
    return { tools: [], baseUrl: origin, format: 'unknown' };
    """#, helpers: true)

    /// `{catalog: "- name: description\n…", maxTools}` for the tool-selection LLM.
    static func filterCatalog(maxTools: Int) -> String {
        iife("var maxTools = \(maxTools);\n" + #"""
        var tools = $.tools, lines = [];
        if (tools !== null && tools !== undefined && typeof tools.length === 'number') {
          for (var i = 0; i < tools.length; i++) { lines.push('- ' + tools[i].name + ': ' + (tools[i].description || '')); }
        }
        return { catalog: lines.join('\n'), maxTools: maxTools };
        """#)
    }

    /// Keeps the tools the selection LLM named (a JSON string, a list, or `{selected_tools}`); all when none match.
    static let filterTools = iife(#"""
    var sel = $.selectedNames, all = $.allTools, names = {}, out = [], i;
    if (typeof sel === 'string') { var parsed = __parse(sel); sel = parsed === undefined ? [] : parsed; }
    if (__isObj(sel)) { sel = sel.selected_tools || sel.tools || []; }
    if (__isArr(sel)) { for (i = 0; i < sel.length; i++) { names[String(__isObj(sel[i]) ? sel[i].name : sel[i])] = true; } }
    if (!__isArr(all)) { return { tools: [] }; }
    for (i = 0; i < all.length; i++) { if (names[all[i].name]) { out.push(__copy(all[i])); } }
    if (out.length === 0) { out = __copy(all); }
    return { tools: out };
    """#, helpers: true)

    /// The filtered tools when there are any, else the prepared ones; passes the tables through.
    static let discoveryResolve = iife(#"""
    var f = $.filtered_tools, p = $.prepared_tools;
    var tools = __isArr(f) && f.length > 0 ? f : (__isArr(p) ? p : []);
    return { tools: __copy(tools), mcpConfig: __copy($.mcpConfig) || {}, apiConfig: __copy($.apiConfig) || {} };
    """#, helpers: true)
}
