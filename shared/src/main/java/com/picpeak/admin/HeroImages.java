package com.picpeak.admin;

import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.gallery.EventService;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageHeader;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;

import java.io.ByteArrayInputStream;

/** An event's hero: one of its photos, rendered once as the gallery's cover image and stored beside it. */
public final class HeroImages {
    public static final int WIDTH = 1920;
    public static final int HEIGHT = 1080;

    private final EventService events;
    private final ImportService imports;
    private final BlobStore store;

    public HeroImages(EventService events, ImportService imports, BlobStore store) {
        this.events = events;
        this.imports = imports;
        this.store = store;
    }

    /** Renders the photo's {@value #WIDTH}x{@value #HEIGHT} cover, stores it, and makes it the event's hero. */
    public Event choose(String slug, String photoId) {
        Photo photo = events.photo(slug, photoId);
        ImageHeader header = imports.header(photo.key());
        byte[] hero = imports.render(photo.key(), header, WIDTH, HEIGHT);
        String heroKey = Keys.hero(slug, photoId);
        store.put(heroKey, new ByteArrayInputStream(hero), PutOptions.of("image/jpeg"));
        return events.setHero(slug, photoId, heroKey);
    }
}
