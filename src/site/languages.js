// Language switcher added by mdbook-translate: links to this page in every language of the site.
(function () {
    "use strict";
    var config = /*CONFIG*/null;
    var bar = document.querySelector("#mdbook-menu-bar .right-buttons");
    if (!config || !bar || typeof path_to_root === "undefined") {
        return;
    }
    var bookRoot = new URL(path_to_root || "./", document.baseURI).href;
    var here = location.href.split("#")[0].split("?")[0];
    var page = here.indexOf(bookRoot) === 0 ? here.slice(bookRoot.length) : "";
    if (page === "" || page.charAt(page.length - 1) === "/") {
        page += "index.html";
    }

    var toggle = document.createElement("button");
    toggle.id = "mdbook-translate-language-toggle";
    toggle.className = "icon-button";
    toggle.type = "button";
    toggle.title = config.title || "Change language";
    toggle.setAttribute("aria-label", toggle.title);
    toggle.setAttribute("aria-haspopup", "true");
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", "mdbook-translate-language-list");
    toggle.innerHTML = '<span class="fa-svg"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" ' +
        'width="1em" height="1em" style="fill:none" stroke="currentColor" stroke-width="2" aria-hidden="true">' +
        '<circle cx="12" cy="12" r="10"/><path d="M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20"/></svg></span>';

    var list = document.createElement("ul");
    list.id = "mdbook-translate-language-list";
    list.className = "theme-popup";
    list.setAttribute("aria-label", config.label || "Languages");
    list.setAttribute("role", "menu");
    list.style.left = "auto";
    list.style.right = "10px";
    config.languages.forEach(function (language) {
        var item = document.createElement("li");
        item.setAttribute("role", "none");
        var link = document.createElement("a");
        link.setAttribute("role", "menuitem");
        link.className = "theme" + (language.code === config.current ? " theme-selected" : "");
        link.style.display = "block";
        link.style.textDecoration = "none";
        link.lang = language.code;
        link.hreflang = language.code;
        link.href = new URL(language.root + page, bookRoot).href + location.hash;
        link.textContent = language.label;
        item.appendChild(link);
        list.appendChild(item);
    });

    function show(visible) {
        list.style.display = visible ? "block" : "none";
        toggle.setAttribute("aria-expanded", visible ? "true" : "false");
    }
    toggle.addEventListener("click", function (event) {
        event.stopPropagation();
        show(list.style.display !== "block");
    });
    document.addEventListener("click", function (event) {
        if (!list.contains(event.target)) {
            show(false);
        }
    });
    document.addEventListener("keydown", function (event) {
        if (event.key === "Escape") {
            show(false);
        }
    });
    bar.insertBefore(toggle, bar.firstChild);
    bar.parentNode.appendChild(list);
})();
