package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/routers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/rules"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
)

func must(step string, err error) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", step, err)
		os.Exit(1)
	}
	fmt.Printf("ok   %s\n", step)
}

func check(what string, ok bool) {
	if !ok {
		fmt.Printf("FAIL %s\n", what)
		os.Exit(1)
	}
	fmt.Printf("ok   %s\n", what)
}

// A Terraform-shaped deployment (the OpenStack provider drives gophercloud): upload an image, build a
// network with a router to public, open ssh, boot on a port with a floating IP, attach a volume made
// from the image, boot from a volume, then tear everything down in reverse. Prints "ALL OK" at the end.
func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	base := os.Args[1]
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: base + "/identity/v3", Username: "demo", Password: "demo",
		DomainName: "Default", TenantName: "demo"})
	must("auth", err)
	eo := gophercloud.EndpointOpts{Region: "RegionOne"}
	compute, err := openstack.NewComputeV2(pc, eo)
	must("compute client", err)
	compute.Microversion = "2.79"
	network, err := openstack.NewNetworkV2(pc, eo)
	must("network client", err)
	block, err := openstack.NewBlockStorageV3(pc, eo)
	must("volume client", err)
	image, err := openstack.NewImageV2(pc, eo)
	must("image client", err)

	pages, err := flavors.ListDetail(compute, nil).AllPages(ctx)
	must("flavor list", err)
	fl, _ := flavors.ExtractFlavors(pages)
	flavorID := fl[0].ID
	for _, f := range fl {
		if f.Name == "m1.tiny" {
			flavorID = f.ID
		}
	}

	img, err := images.Create(ctx, image, images.CreateOpts{Name: "gc-img", DiskFormat: "qcow2", ContainerFormat: "bare"}).Extract()
	must("image create", err)
	data := bytes.Repeat([]byte("gophercloud"), 100000)
	must("image upload", imagedata.Upload(ctx, image, img.ID, bytes.NewReader(data)).ExtractErr())
	img, err = images.Get(ctx, image, img.ID).Extract()
	must("image get", err)
	check("image active with its size", img.Status == images.ImageStatusActive && img.SizeBytes == int64(len(data)))

	net, err := networks.Create(ctx, network, networks.CreateOpts{Name: "gc-net"}).Extract()
	must("network create", err)
	sub, err := subnets.Create(ctx, network, subnets.CreateOpts{NetworkID: net.ID, CIDR: "192.168.77.0/24", IPVersion: gophercloud.IPv4, Name: "gc-sub", DNSNameservers: []string{"8.8.8.8"}}).Extract()
	must("subnet create", err)
	check("subnet gateway is the first host", sub.GatewayIP == "192.168.77.1")
	pubPages, err := networks.List(network, networks.ListOpts{Name: "public"}).AllPages(ctx)
	must("network list public", err)
	pubs, _ := networks.ExtractNetworks(pubPages)
	rt, err := routers.Create(ctx, network, routers.CreateOpts{Name: "gc-router", GatewayInfo: &routers.GatewayInfo{NetworkID: pubs[0].ID}}).Extract()
	must("router create with gateway", err)
	_, err = routers.AddInterface(ctx, network, rt.ID, routers.AddInterfaceOpts{SubnetID: sub.ID}).Extract()
	must("router add interface", err)
	sg, err := groups.Create(ctx, network, groups.CreateOpts{Name: "gc-ssh", Description: "ssh"}).Extract()
	must("security group create", err)
	_, err = rules.Create(ctx, network, rules.CreateOpts{Direction: rules.DirIngress, EtherType: rules.EtherType4, SecGroupID: sg.ID, Protocol: rules.ProtocolTCP, PortRangeMin: 22, PortRangeMax: 22, RemoteIPPrefix: "0.0.0.0/0"}).Extract()
	must("security group rule create", err)
	port, err := ports.Create(ctx, network, ports.CreateOpts{NetworkID: net.ID, Name: "gc-port", SecurityGroups: &[]string{sg.ID}}).Extract()
	must("port create", err)
	_, err = keypairs.Create(ctx, compute, keypairs.CreateOpts{Name: "gc-key"}).Extract()
	must("keypair create", err)

	srv, err := servers.Create(ctx, compute, servers.CreateOpts{Name: "gc-vm", FlavorRef: flavorID, ImageRef: img.ID,
		Networks: []servers.Network{{Port: port.ID}}}, nil).Extract()
	must("server create", err)
	must("server ACTIVE", servers.WaitForStatus(ctx, compute, srv.ID, "ACTIVE"))
	fip, err := floatingips.Create(ctx, network, floatingips.CreateOpts{FloatingNetworkID: pubs[0].ID, PortID: port.ID}).Extract()
	must("floating ip create on port "+fip.FloatingIP, err)
	srv, err = servers.Get(ctx, compute, srv.ID).Extract()
	must("server get", err)
	check("server shows the fixed and the floating address", fmt.Sprint(srv.Addresses["gc-net"]) != "" &&
		bytes.Contains([]byte(fmt.Sprint(srv.Addresses)), []byte(fip.FloatingIP)) && fip.PortID == port.ID)

	vol, err := volumes.Create(ctx, block, volumes.CreateOpts{Size: 1, Name: "gc-vol", ImageID: img.ID}, nil).Extract()
	must("volume create from image", err)
	must("volume available", volumes.WaitForStatus(ctx, block, vol.ID, "available"))
	vol, err = volumes.Get(ctx, block, vol.ID).Extract()
	must("volume get", err)
	check("a volume from an image is bootable", vol.Bootable == "true")
	_, err = volumeattach.Create(ctx, compute, srv.ID, volumeattach.CreateOpts{VolumeID: vol.ID}).Extract()
	must("volume attach", err)
	must("volume in-use", volumes.WaitForStatus(ctx, block, vol.ID, "in-use"))
	must("volume detach", volumeattach.Delete(ctx, compute, srv.ID, vol.ID).ExtractErr())
	must("volume available again", volumes.WaitForStatus(ctx, block, vol.ID, "available"))

	bfv, err := servers.Create(ctx, compute, servers.CreateOpts{Name: "gc-bfv", FlavorRef: flavorID,
		Networks:           []servers.Network{{UUID: net.ID}},
		BlockDevice: []servers.BlockDevice{{UUID: img.ID, SourceType: servers.SourceImage, DestinationType: servers.DestinationVolume, VolumeSize: 1, BootIndex: 0, DeleteOnTermination: true}}}, nil).Extract()
	must("boot from volume create", err)
	must("bfv ACTIVE", servers.WaitForStatus(ctx, compute, bfv.ID, "ACTIVE"))
	bfv, err = servers.Get(ctx, compute, bfv.ID).Extract()
	must("bfv get", err)
	check("boot from volume lists its root volume", len(bfv.AttachedVolumes) == 1)

	must("floating ip delete", floatingips.Delete(ctx, network, fip.ID).ExtractErr())
	must("server delete", servers.Delete(ctx, compute, srv.ID).ExtractErr())
	must("bfv delete", servers.Delete(ctx, compute, bfv.ID).ExtractErr())
	for _, id := range []string{srv.ID, bfv.ID} {
		must("server gone", gophercloud.WaitFor(ctx, func(ctx context.Context) (bool, error) {
			_, err := servers.Get(ctx, compute, id).Extract()
			if gophercloud.ResponseCodeIs(err, 404) {
				return true, nil
			}
			return false, err
		}))
	}
	must("volume delete", volumes.Delete(ctx, block, vol.ID, nil).ExtractErr())
	must("port delete", ports.Delete(ctx, network, port.ID).ExtractErr())
	must("keypair delete", keypairs.Delete(ctx, compute, "gc-key", nil).ExtractErr())
	must("security group delete", groups.Delete(ctx, network, sg.ID).ExtractErr())
	_, err = routers.RemoveInterface(ctx, network, rt.ID, routers.RemoveInterfaceOpts{SubnetID: sub.ID}).Extract()
	must("router remove interface", err)
	must("router delete", routers.Delete(ctx, network, rt.ID).ExtractErr())
	must("subnet delete", subnets.Delete(ctx, network, sub.ID).ExtractErr())
	must("network delete", networks.Delete(ctx, network, net.ID).ExtractErr())
	must("image delete", images.Delete(ctx, image, img.ID).ExtractErr())
	fmt.Println("ALL OK")
}
