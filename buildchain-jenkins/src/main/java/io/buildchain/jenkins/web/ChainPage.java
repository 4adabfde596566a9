package io.buildchain.jenkins.web;

/** A chain page rendered by buildchain-core, shown inside Jenkins' layout beside {@code owner}'s side panel. */
public final class ChainPage {
    private final Object owner;
    private final String title;
    private final String html;

    public ChainPage(Object owner, String title, String html) {
        this.owner = owner;
        this.title = title;
        this.html = html;
    }

    public Object getOwner() {
        return owner;
    }

    public String getTitle() {
        return title;
    }

    /** Markup from buildchain-core's ChainPages, which escapes every value it shows. */
    public String getHtml() {
        return html;
    }
}
